"""Words that introduce speech in news: the cue of an attribution ("said", "told", ...).

Forms are listed inflected rather than lemmatised so the costly lemmatizer can stay off; the
list follows the reporting verbs that attribution corpora (PARC, PolNeAR) annotate most.
"""

from __future__ import annotations

import re

_STEMS = {
    # verb: irregular forms beyond the regular -s/-ed/-ing
    "say": ("said", "says", "saying"),
    "tell": ("told", "tells", "telling"),
    "write": ("wrote", "written", "writes", "writing"),
    "speak": ("spoke", "spoken", "speaks", "speaking"),
    "think": ("thought", "thinks", "thinking"),
    "hold": ("held", "holds", "holding"),
}
_REGULAR = (
    "add",
    "acknowledge",
    "admit",
    "affirm",
    "allege",
    "announce",
    "argue",
    "assert",
    "assure",
    "believe",
    "boast",
    "caution",
    "charge",
    "claim",
    "comment",
    "complain",
    "concede",
    "conclude",
    "confirm",
    "contend",
    "continue",
    "declare",
    "deny",
    "describe",
    "emphasize",
    "emphasise",
    "estimate",
    "explain",
    "exclaim",
    "insist",
    "joke",
    "maintain",
    "mention",
    "note",
    "observe",
    "point",
    "predict",
    "pledge",
    "promise",
    "proclaim",
    "quip",
    "recall",
    "remark",
    "reiterate",
    "repeat",
    "reply",
    "report",
    "respond",
    "reveal",
    "stress",
    "state",
    "suggest",
    "testify",
    "tweet",
    "urge",
    "vow",
    "warn",
    "wonder",
    "ask",
    "answer",
    "accuse",
    "agree",
    "indicate",
    "disclose",
    "express",
    "yell",
    "shout",
    "scream",
    "bark",
    "snap",
    "post",
    "call",
    "thank",
    "label",
    "dub",
    "brand",
    "hail",
    "praise",
    "criticize",
    "criticise",
    "blast",
    "slam",
)


def _regular_forms(verb: str) -> set[str]:
    if verb.endswith("e"):
        stem = verb[:-1]
        return {verb, verb + "s", stem + "ed", stem + "ing"}
    if verb.endswith("y") and verb[-2] not in "aeiou":
        stem = verb[:-1]
        return {verb, stem + "ies", stem + "ied", verb + "ing"}
    if verb.endswith(("sh", "ss", "ch")):
        return {verb, verb + "es", verb + "ed", verb + "ing"}
    if verb in ("quip", "snap", "dub", "slam"):  # a doubled final consonant
        return {verb, verb + "s", verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return {verb, verb + "s", verb + "ed", verb + "ing"}


def _all_forms() -> frozenset[str]:
    forms: set[str] = set()
    for verb, extra in _STEMS.items():
        forms.update((verb, *extra))
    for verb in _REGULAR:
        forms.update(_regular_forms(verb))
    return frozenset(forms)


CUE_FORMS = _all_forms()
# Verbs that also have non-speech senses; they count as cues only with a clause or a quote.
WEAK_CUES = frozenset(
    f
    for v in (
        "hold",
        "continue",
        "point",
        "charge",
        "agree",
        "answer",
        "describe",
        "think",
        "ask",
        "express",
        "indicate",
        "post",
        "call",
        "thank",
        "label",
        "dub",
        "brand",
        "hail",
        "praise",
        "criticize",
        "criticise",
        "blast",
        "slam",
        "snap",
    )
    for f in ({v} | set(_STEMS.get(v, ())) | _regular_forms(v))
)
QUOTE_CHARS = '"“”„«»‹›'

# Forms that are verbs whatever the sentence: the ones that make a sentence worth parsing.
# Bare or plural-looking forms ("state", "states", "calls", "notes") are mostly nouns; a
# quotation mark triggers the parse for the weak cues anyway.
_NOUN_LIKE = frozenset({"states", "calls", "posts", "points", "charges", "remarks", "answers"})
_TRIGGERS = sorted(
    (
        f
        for f in CUE_FORMS - WEAK_CUES - _NOUN_LIKE
        if f.endswith(("ed", "ing", "s")) or f in {"said", "told", "wrote", "spoke", "thought"}
    ),
    key=len,
    reverse=True,
)
_HINT = re.compile(
    r"[\"“”„«»]|\baccording to\b|\b(?:" + "|".join(_TRIGGERS) + r")\b", re.IGNORECASE
)


def needs_parse(sentence: str) -> bool:
    """True when a sentence may hold an attribution, so its dependency parse is worth paying.

    A sentence ending in a colon usually introduces a quotation ("X released a statement:").
    """
    return _HINT.search(sentence) is not None or sentence.rstrip().endswith(":")


def is_cue(word: str) -> bool:
    return word.lower() in CUE_FORMS
