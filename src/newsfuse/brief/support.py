"""What backs a summary sentence: the analysis's facts, and the wording other sources share.

A sentence that many independent sources report is worth more in a summary than one
outlet's aside, and it may cite every article that says the same. Two views of that: the
analysis's facts (aligned across sources by meaning, copies and wire rewrites counted once)
and plain shared wording (the names, figures and verbs every outlet uses for the event).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from newsfuse.brief.candidates import Candidate, numbers
from newsfuse.model import Story

WHOLE = 0.8  # a fact passage covering this share of a sentence's words vouches for all of it


Passage = tuple[str, int, int, frozenset[str], list[str]]  # text, words, sources, numbers, ids


def _passages(story: Story) -> dict[str, list[Passage]]:
    """Each article's passages of facts that more than one independent source reports."""
    found: dict[str, list[Passage]] = {}
    if story.analysis is None:
        return found
    for fact in story.analysis.facts:
        if fact.independent_sources < 2:
            continue
        for span in fact.spans:
            text = _fold(span.text)
            if text:
                found.setdefault(span.article, []).append(
                    (
                        text,
                        len(text.split()),
                        fact.independent_sources,
                        numbers(span.text),
                        fact.articles,
                    )
                )
    return found


def fact_support(pool: Sequence[Candidate], story: Story) -> list[float]:
    """Independent sources behind each candidate, from the analysis's facts.

    A fact backs a sentence when one of its passages lies in that sentence; a clause backs
    only its share of the sentence's words, so a sentence is not carried by a short
    clause that many sources repeat while the rest of it rests on one.
    """
    backing = [1.0] * len(pool)
    passages = _passages(story)
    for i, c in enumerate(pool):
        sentence = _fold(c.text)
        words = max(len(sentence.split()), 1)
        for text, length, sources, _, _ in passages.get(c.article, ()):
            if text in sentence or sentence in text:
                share = min(1.0, length / words)
                backing[i] = max(backing[i], 1.0 + (sources - 1) * share)
    return backing


def fact_citations(pool: Sequence[Candidate], story: Story) -> list[set[str]]:
    """Articles a candidate may cite on the analysis's word: those of a fact whose passage is
    (nearly) the whole sentence and carries every number the sentence states."""
    cites: list[set[str]] = [set() for _ in pool]
    passages = _passages(story)
    for i, c in enumerate(pool):
        sentence = _fold(c.text)
        words = max(len(sentence.split()), 1)
        for text, length, _, figures, ids in passages.get(c.article, ()):
            whole = (text in sentence or sentence in text) and length >= WHOLE * words
            if whole and c.numbers <= figures:
                cites[i].update(ids)
    return cites


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to in on at by for with from and or but as is was were be been are it its "
    "that this these those he she they his her their them who which what said says would "
    "will has have had not no than then there also after before over about into".split()
)


def terms(text: str) -> set[str]:
    """Content words: the names, figures and verbs that carry the story."""
    return set(_WORD.findall(text.casefold())) - _STOP


def shared_wording(pool: Sequence[Candidate], owners: list[str]) -> np.ndarray:
    """How much of a sentence's wording the other independent sources also use: for each
    content word, the share of the other sources that print it, averaged over the sentence.

    The embedding measures what a sentence is about; this measures whether the outlets name
    it in the same words (the names, figures and verbs of the event), the signal classic
    multi-document summarisers (SumBasic, centroid) build on.
    """
    sources = list(dict.fromkeys(owners))
    if len(sources) < 2:
        return np.zeros(len(pool), dtype=np.float32)
    bags = [terms(c.text) for c in pool]
    vocab: dict[str, set[str]] = {}
    for owner, bag in zip(owners, bags, strict=True):
        for w in bag:
            vocab.setdefault(w, set()).add(owner)
    others = len(sources) - 1
    out = np.zeros(len(pool), dtype=np.float32)
    for i, (owner, bag) in enumerate(zip(owners, bags, strict=True)):
        if bag:
            out[i] = sum(len(vocab[w] - {owner}) for w in bag) / (len(bag) * others)
    return out


def _fold(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())
