"""Text as the pages show it: sentences with offsets, cited sentences, snippets, alignments.

Everything here returns plain text pieces with flags, never markup: the templates escape
every piece, so article text cannot become HTML whatever it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from newsfuse.clean import split_sentences

# Sentences of two articles are the same sentence at this rapidfuzz ratio (an edit or two),
# and tell the same thing in partly shared words above ALIGNED (token-set ratio, which
# ignores order and the words only one side adds). Both are set for news prose in general,
# not for one corpus: a copy edited by a second outlet stays well above 60.
SAME = 90.0
ALIGNED = 60.0
# A citation's sentence counts as located when it shares this much with the summary.
LOCATED = 50.0
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    return [Sentence(s, e, text[s:e]) for s, e in split_sentences(text)]


def squash(text: str) -> str:
    return " ".join(text.split())


def locate(sentence: str, found: list[Sentence]) -> tuple[int, float] | None:
    """The index of the article sentence that `sentence` was taken from (or is closest to),
    with a 0-100 score; None when nothing in the article is close enough."""
    if not found:
        return None
    wanted = squash(sentence)
    for k, s in enumerate(found):
        if wanted and wanted in squash(s.text):  # extractive: usually verbatim
            return k, 100.0
    best = process.extractOne(
        wanted, [squash(s.text) for s in found], scorer=fuzz.token_set_ratio, score_cutoff=LOCATED
    )
    return None if best is None else (best[2], round(float(best[1]), 1))


def terms(query: str) -> list[str]:
    return [t.casefold() for t in _WORD.findall(query)]


def marked(text: str, query: str) -> list[tuple[str, bool]]:
    """`text` split into (piece, is_hit) where the query's words occur (whole-word starts)."""
    words = terms(query)
    if not words or not text:
        return [(text, False)] if text else []
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + r")",
        re.IGNORECASE,
    )
    pieces: list[tuple[str, bool]] = []
    last = 0
    for m in pattern.finditer(text):
        if m.start() > last:
            pieces.append((text[last : m.start()], False))
        pieces.append((m.group(0), True))
        last = m.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


def snippet(text: str, query: str, width: int = 220) -> list[tuple[str, bool]]:
    """About `width` characters around the first query word, cut at word boundaries."""
    flat = squash(text)
    words = terms(query)
    hit = -1
    for w in words:
        m = re.search(r"\b" + re.escape(w), flat, re.IGNORECASE)
        if m and (hit < 0 or m.start() < hit):
            hit = m.start()
    start = max(0, hit - width // 3) if hit >= 0 else 0
    end = min(len(flat), start + width)
    if start > 0:
        start = flat.find(" ", start) + 1 or start
    if end < len(flat):
        end = flat.rfind(" ", start, end) if flat.rfind(" ", start, end) > start else end
    piece = ("… " if start > 0 else "") + flat[start:end] + (" …" if end < len(flat) else "")
    return marked(piece, query)


@dataclass(slots=True)
class Pair:
    left: int
    right: int
    score: float
    kind: str  # "same" (verbatim or nearly) or "similar" (shared wording)


def align(left: list[Sentence], right: list[Sentence]) -> list[Pair]:
    """One-to-one sentence pairs that share their wording, best pairs first (greedy).

    Greedy on the score matrix is enough here: pairs are rare and far apart, so the
    optimal assignment almost never differs, and it costs one C matrix, no model.
    """
    if not left or not right:
        return []
    a = [squash(s.text).casefold() for s in left]
    b = [squash(s.text).casefold() for s in right]
    # token_set alone calls a short sentence "identical" to any long one containing its
    # words; averaging with token_sort (whole sentence, any order) keeps that out.
    scores = (
        process.cdist(a, b, scorer=fuzz.token_set_ratio, workers=1)
        + process.cdist(a, b, scorer=fuzz.token_sort_ratio, workers=1)
    ) / 2
    ratio = process.cdist(a, b, scorer=fuzz.ratio, workers=1)
    order = np.dstack(np.unravel_index(np.argsort(-scores, axis=None), scores.shape))[0]
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs: list[Pair] = []
    for i, j in order:
        score = float(scores[i, j])
        if score < ALIGNED:
            break
        if i in used_left or j in used_right or min(len(a[i]), len(b[j])) < 12:
            continue
        used_left.add(int(i))
        used_right.add(int(j))
        kind = "same" if ratio[i, j] >= SAME else "similar"
        pairs.append(Pair(int(i), int(j), round(score, 1), kind))
    pairs.sort(key=lambda p: p.left)
    return pairs
