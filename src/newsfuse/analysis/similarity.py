"""Features of a sentence pair for the "same fact" decision.

MiniLM cosine alone conflates "same topic" with "same claim" (MSRP F1 0.82); the lexical
features that machine-translation metrics use (n-gram precision both ways, number agreement,
edit ratios) separate a paraphrase from a related sentence that changes a name or a figure.
Each sentence is profiled once (`Profile`), so comparing it with many others stays cheap.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from newsfuse.analysis.sentences import words

_STOP = frozenset(
    re.findall(
        r"\S+",
        "the a an of to in and or for on at by with from as is was were be been are that "
        "this it its said says he she they his her their",
    )
)
_NUMBER = re.compile(r"\d[\d,.]*")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
FEATURES = (
    "cosine",
    *(f"{n}gram_{k}" for n in (1, 2, 3, 4) for k in ("min", "max", "f1")),
    "content_jaccard",
    "numbers_equal",
    "numbers_nested",
    "numbers_differ",
    "ratio",
    "token_sort_ratio",
    "token_set_ratio",
    "partial_ratio",
    "length_ratio",
    "length_difference",
)


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


@dataclass(slots=True)
class Profile:
    """What the features need of one sentence, computed once."""

    text: str
    grams: tuple[Counter[tuple[str, ...]], ...]
    totals: tuple[int, ...]
    content: frozenset[str]
    numbers: frozenset[str]
    length: int

    @classmethod
    def of(cls, text: str) -> Profile:
        """Profiles are immutable and sentences recur (facts, timeline and quotes compare the
        same clauses), so each text is profiled once per process."""
        return _profile(text)

    @classmethod
    def build(cls, text: str) -> Profile:
        tokens = [_stem(w) for w in words(text)]
        grams = tuple(
            Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
            for n in (1, 2, 3, 4)
        )
        return cls(
            text=text,
            grams=grams,
            totals=tuple(g.total() for g in grams),
            content=frozenset(t for t in tokens if t not in _STOP),
            numbers=frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)),
            length=len(tokens),
        )


def clear_profile_cache() -> None:
    _profile.cache_clear()


@lru_cache(maxsize=20_000)
def _profile(text: str) -> Profile:
    return Profile.build(text)


def _overlap(a: Counter[tuple[str, ...]], b: Counter[tuple[str, ...]]) -> int:
    """Clipped n-gram matches (symmetric), walking the smaller side: `a & b` builds a Counter
    per pair, and this loop runs for every candidate pair of a story."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(c, b[g]) for g, c in a.items() if g in b)


def pair_features(a: Profile, b: Profile, cosine: float) -> list[float]:
    """The FEATURES of one pair, in order; symmetric in a and b."""
    out = [cosine]
    for ga, gb, ta, tb in zip(a.grams, b.grams, a.totals, b.totals, strict=True):
        shared = _overlap(ga, gb) if ta and tb else 0
        pa, pb = shared / ta if ta else 0.0, shared / tb if tb else 0.0
        out += [min(pa, pb), max(pa, pb), 2 * pa * pb / (pa + pb) if pa + pb else 0.0]
    union = a.content | b.content
    out.append(len(a.content & b.content) / len(union) if union else 0.0)
    na, nb = a.numbers, b.numbers
    out += [
        float(na == nb),
        float(bool(na or nb) and (na <= nb or nb <= na)),
        float(bool(na ^ nb)),
    ]
    out += [
        fuzz.ratio(a.text, b.text) / 100,
        fuzz.token_sort_ratio(a.text, b.text) / 100,
        fuzz.token_set_ratio(a.text, b.text) / 100,
        fuzz.partial_ratio(a.text, b.text) / 100,
    ]
    longer = max(a.length, b.length, 1)
    out += [min(a.length, b.length) / longer, abs(a.length - b.length) / longer]
    return out
