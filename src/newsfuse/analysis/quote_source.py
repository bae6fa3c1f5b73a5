"""Who a cue verb attributes speech to: its grammatical subject, or the "according to" object.

Works on spaCy dependency parses. Pronoun sources ("he said") are resolved by recency: the
first PERSON named in the latest earlier sentence that names one, preferring its subject (or
the subject's apposition: "The mayor of X, NAME, said ... he said"); news prose introduces a
speaker by name right before quoting them with a pronoun. Negative subjects ("nothing
suggests", "no official said") attribute nothing.
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
_DESCRIBING = ("relcl", "acl")  # "which runs the Hollin reservoir", "based in Paris"
# Subjects that deny or quantify rather than name a speaker: "found nothing to suggest ..."
NEGATIVE = frozenset({"nothing", "nobody", "none", "noone", "neither"})


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
    subj = _subject(verb)
    if subj is not None and (
        subj.lower_ in NEGATIVE or any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children)
    ):
        return None  # "found nothing to suggest", "no official said": nobody is quoted
    return subj


def _subject(verb: Token) -> Token | None:
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

    A person before an organisation, and in this order: the name the phrase is headed by
    ("Russia said", "Clinton spokesman Nick Merrill"); a name in apposition to its head ("The
    mayor of Pellow Ford, Corin Asheby", "WASHINGTON -- President Obama"); a proper-noun
    apposition the NER model missed; a name elsewhere in the phrase ("Analysts at Corvo
    Securities"), but never one inside a relative or participial clause unless it is that
    clause's subject or agent ("a speech Mrs. Clinton delivered", "a complaint filed by the
    SEC"): "The Board, which runs the Hollin reservoir," or "an architect who designed one of
    Trump's courses" describe the speaker, they do not name it. A place or nationality counts
    only as the head ("Russia said", not "the Russian head of state").
    """
    ents = [
        e
        for e in head.doc.ents
        if e.start_char >= start and e.end_char <= end and e.label_ in _NAME_LABELS
    ]
    appositive = {t.i for c in head.children if c.dep_ == "appos" for t in c.subtree}
    for label in ("PERSON", "ORG"):
        found = next((e for e in ents if e.label_ == label and head in e), None)
        found = found or next(
            (e for e in ents if e.label_ == label and e.root.i in appositive), None
        )
        if found is not None:
            return str(found.text)
    proper = _proper_appositive(head)
    if proper is not None:
        return proper
    hidden = _described(head)
    for label in ("PERSON", "ORG"):
        for ent in ents:
            if ent.label_ == label and ent.root.i not in hidden:
                return str(ent.text)
    for ent in ents:
        if head in ent:
            return str(ent.text)
    # "Schiff, 56, who has served ...": the name before what describes it. A phrase that is
    # only a name is resolved whole by the caller; "Senator from Texas" is a title.
    described = end > head.idx + len(head.text) + 1
    if described and head.tag_ == "NNP" and not any(c.dep_ == "prep" for c in head.children):
        return _proper_span(head)
    return None


def _proper_appositive(head: Token) -> str | None:
    """ "the mayor, Corin Asheby," where NER found no entity: a proper-noun apposition."""
    for child in head.children:
        if child.dep_ == "appos" and child.tag_ == "NNP":
            return _proper_span(child)
    return None


def _proper_span(token: Token) -> str:
    """A proper noun with the proper nouns compounded onto it: "Adam Schiff"."""
    words = [t for t in token.lefts if t.dep_ == "compound" and t.tag_ in ("NNP", "NNPS")]
    first = words[0] if words else token
    return str(token.doc[first.i : token.i + 1].text)


def _described(head: Token) -> set[int]:
    """Tokens of the relative and participial clauses in a source phrase, except each
    clause's own subject and agent ("Mrs. Clinton" in "a speech Mrs. Clinton delivered")."""
    hidden: set[int] = set()
    for clause in head.subtree:
        if clause.dep_ not in _DESCRIBING or clause is head:
            continue
        speakers: set[int] = set()
        for child in clause.children:
            if child.dep_ in SUBJECTS and child.tag_ not in ("WDT", "WP"):
                speakers.update(t.i for t in child.subtree)
            if child.dep_ == "agent":
                speakers.update(t.i for t in child.subtree)
        hidden.update(t.i for t in clause.subtree if t.i not in speakers)
    return hidden


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
