"""Features of a sentence pair for the "same fact" decision.

MiniLM cosine alone conflates "same topic" with "same claim" (MSRP F1 0.82); the lexical
features that machine-translation metrics use (n-gram precision both ways, number agreement,
edit ratios) separate a paraphrase from a related sentence that changes a name or a figure.
A paraphrase rewords; a different claim adds something: a name, a figure, a "not", or words
that carry information. So what each sentence has that the other lacks is counted too: names
and figures one side lacks, a negation on one side only, and the information of its unshared
words (general English word frequencies from `wordfreq`, not statistics of any corpus we score
on: "the" tells nothing, "Safeway" a lot). Each sentence is profiled once (`Profile`), so
comparing it with many others stays cheap.
"""

from __future__ import annotations

import math
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
_TOKEN = re.compile(r"[A-Za-z0-9][\w'’-]*")
_NEGATION = frozenset(("not", "no", "never", "none", "nobody", "nothing", "neither", "nor"))
_MAX_ZIPF = 8.0  # wordfreq's Zipf scale: "the" ~7.7, a word never seen 0
_COMMON_ZIPF = 5.0  # a capitalised first word this common ("The", "Officials") is no name
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
    "unshared_info_min",
    "unshared_info_max",
    "names_jaccard",
    "names_unshared_min",
    "names_unshared_max",
    "negation_differs",
    "numbers_unshared_min",
    "numbers_unshared_max",
)


@lru_cache(maxsize=100_000)
def information(word: str) -> float:
    """How much a word tells, in Zipf units below "the" (0 for the commonest words, 8 for
    unseen ones): what a sentence loses when this word is missing from the other."""
    if word.isascii() and word.isalpha():  # most words: one lookup, not wordfreq's tokenizer
        frequency = _frequencies().get(word.lower(), 0.0)
        zipf = math.log10(frequency) + 9 if frequency > 0 else 0.0
    else:
        from wordfreq import zipf_frequency

        zipf = zipf_frequency(word, "en")
    return max(0.0, _MAX_ZIPF - zipf)


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", "best")  # the call (and cache entry) wordfreq itself uses


def _names(tokens: list[str]) -> frozenset[str]:
    """Capitalised words, lower-cased: a cheap stand-in for names. The first word counts only
    when it is rare, since every sentence starts with a capital."""
    return frozenset(
        t.lower()
        for i, t in enumerate(tokens)
        if t[:1].isupper() and (i > 0 or information(t.lower()) > _MAX_ZIPF - _COMMON_ZIPF)
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
    info: dict[str, float]  # information of each distinct word
    info_total: float
    names: frozenset[str]
    negated: bool

    @classmethod
    def of(cls, text: str) -> Profile:
        """Profiles are immutable and sentences recur (facts, timeline and quotes compare the
        same clauses), so each text is profiled once per process."""
        return _profile(text)

    @classmethod
    def build(cls, text: str) -> Profile:
        cased = _TOKEN.findall(text)
        plain = words(text)
        tokens = [_stem(w) for w in plain]
        info = {w: information(w) for w in plain}
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
            info=info,
            info_total=math.fsum(info.values()),
            names=_names(cased),
            negated=any(w in _NEGATION or w.endswith("n't") for w in info),
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
    out += _unshared_information(a, b)
    out += _unshared(a.names, b.names, jaccard=True)
    out.append(float(a.negated != b.negated))
    out += _unshared(na, nb, jaccard=False)
    return out


def _unshared_information(a: Profile, b: Profile) -> list[float]:
    """The information (log) each side has that the other lacks, least then most.

    The share of information two sentences have in common is deliberately not a feature: on
    MSRP, whose pairs all share many words, it adds 0.005 F1 only by counting *against* "same"
    next to the plain overlaps, so on the loosely related pairs a story is full of it called
    unrelated quotes "the same fact" (eval/samefact.py --hard-negatives: 2-12x more)."""
    small, large = (a, b) if len(a.info) <= len(b.info) else (b, a)
    shared = math.fsum(v for w, v in small.info.items() if w in large.info)  # order-free: symmetric
    ua, ub = math.log1p(a.info_total - shared), math.log1p(b.info_total - shared)
    return [min(ua, ub), max(ua, ub)]


def _unshared(a: frozenset[str], b: frozenset[str], *, jaccard: bool) -> list[float]:
    """What each set has that the other lacks, least then most: as a fraction of that set
    after the Jaccard overlap (names), or as a count (numbers, where one extra figure is
    already a different claim)."""
    ua, ub = float(len(a - b)), float(len(b - a))
    if not jaccard:
        return [min(ua, ub), max(ua, ub)]
    fa, fb = (ua / len(a) if a else 0.0), (ub / len(b) if b else 0.0)
    union = a | b
    return [len(a & b) / len(union) if union else 1.0, min(fa, fb), max(fa, fb)]
