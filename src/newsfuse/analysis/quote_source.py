"""Who a cue verb attributes speech to: its grammatical subject, or the "according to" object.

Works on spaCy dependency parses. Pronoun sources ("he said") are resolved by recency: the
first PERSON named in the latest earlier sentence that names one, preferring its subject;
news prose introduces a speaker by name right before quoting them with a pronoun.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


SUBJECTS = ("nsubj", "nsubjpass", "csubj")
PERSONAL = frozenset({"he", "she", "him", "her"})
COLLECTIVE = frozenset({"it", "they", "them"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "you"})  # a speaker inside a quote: unknown
_CLIMB = ("conj", "xcomp", "advcl", "ccomp", "parataxis", "relcl", "acl")
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP", "FAC")


@dataclass(frozen=True, slots=True)
class NameMention:
    start: int  # article offsets
    end: int
    text: str
    label: str
    sentence: int  # index of its sentence in the article
    subject: bool  # grammatical subject of its sentence, where parsed


@dataclass(frozen=True, slots=True)
class Source:
    start: int  # article offsets of the source phrase ("a senior official", "he")
    end: int
    text: str
    name: str | None  # a named speaker in or behind the phrase, if any
    pronoun: bool


def subject_of(verb: Token) -> Token | None:
    """The subject of a cue verb, climbing from "adding"/"and said" to the clause that has one."""
    if verb.lower_ == "according":
        for to in verb.children:
            if to.lower_ == "to":
                return next((c for c in to.children if c.dep_ == "pobj"), None)
        return None
    token = verb
    for _ in range(4):
        subj = next((c for c in token.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            if subj.tag_ == "WDT" or subj.lower_ in ("who", "that", "which"):
                return token.head if token.dep_ == "relcl" else None
            if subj.lower_ == "it" and _passive(token):
                return None  # "it is believed that": nobody is speaking
            return subj
        if any(c.dep_ == "expl" for c in token.children):
            return None
        if token.dep_ == "relcl":
            return token.head
        verbal = token.pos_ in ("VERB", "AUX")
        if (verbal and token.dep_ not in _CLIMB) or token.head is token:
            return None
        token = token.head  # from "adding" to "said", or through a noun to its verb
    return None


def _passive(verb: Token) -> bool:
    return verb.tag_ == "VBN" and any(c.dep_ in ("auxpass", "aux") for c in verb.children)


def phrase(subject: Token, exclude: tuple[int, int]) -> tuple[int, int]:
    """Character extent (doc offsets) of the subject phrase, never reaching into the quote."""
    lo, hi = exclude
    tokens = [t for t in subject.subtree if not lo <= t.idx < hi]
    # keep the contiguous run around the head only
    run = [subject]
    by_i = {t.i: t for t in tokens}
    i = subject.i - 1
    while i in by_i:
        run.insert(0, by_i[i])
        i -= 1
    i = subject.i + 1
    while i in by_i:
        run.append(by_i[i])
        i += 1
    while len(run) > 1 and (run[0].is_punct or run[0].is_space or run[0].dep_ == "cc"):
        run.pop(0)
    while len(run) > 1 and (run[-1].is_punct or run[-1].is_space or run[-1].dep_ in ("cc",)):
        if run[-1].text == ")" and any(t.text == "(" for t in run):
            break
        run.pop()
    if subject.head.lower_ == "to" and subject.head.head.lower_ == "according":
        comma = next((k for k, t in enumerate(run) if t.text == "," and t.i > subject.i), None)
        run = run[:comma] if comma else run  # "according to Putin, Kim will ...": not Kim
    return run[0].idx, run[-1].idx + len(run[-1].text)


def name_in(head: Token, start: int, end: int) -> str | None:
    """The speaker named in a source phrase (doc character offsets start..end).

    A person or organisation anywhere in it ("spokesman John Kirby"); a place or nationality
    only as the head ("Russia said", not "the Russian head of state").
    """
    ents = [e for e in head.doc.ents if e.start_char >= start and e.end_char <= end]
    for label in _NAME_LABELS:
        for ent in ents:
            if ent.label_ == label and (label in ("PERSON", "ORG") or head in ent):
                return ent.text
    return None


def antecedent(
    names: list[NameMention], position: int, sentence: int, personal: bool
) -> NameMention | None:
    """The likely referent of a pronoun at `position`: see the module docstring."""
    labels = ("PERSON",) if personal else ("ORG", "GPE", "NORP")
    ends = [m.end for m in names]
    candidates = [m for m in names[: bisect_right(ends, position)] if m.label in labels]
    if not candidates:
        return None
    same = [m for m in candidates if m.sentence == sentence]
    if same:  # "Putin welcomed Kim and he said": the subject before the pronoun
        pool = same
    else:
        last = candidates[-1].sentence
        pool = [m for m in candidates if m.sentence == last]
    subjects = [m for m in pool if m.subject]
    return (subjects or pool)[0]
