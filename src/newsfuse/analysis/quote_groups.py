"""Grouping quote mentions that report the same statement in different words.

Two mentions are similar when their wording nearly contains one another (a trimmed quote:
rapidfuzz partial ratio) or when their sentence embeddings are close (a translation or
paraphrase; a multi-sentence quote is also compared sentence by sentence). Mentions given to
two different speakers never group; a mention with no known speaker needs a closer match.
Average-link clustering then keeps a bridge mention from chaining two different statements
of one speaker together: a group must be similar on average, not through one link.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from newsfuse.embed import Encoder

SAME_SPEAKER = 0.6  # average similarity a group of one speaker's mentions needs
UNKNOWN_PENALTY = 0.15  # subtracted when either speaker is unknown
TRIMMED = 0.85  # partial ratio from which the shorter wording is a cut of the longer
FLOOR = 0.3  # a cut of four words or more keeps far more of the meaning than this
_MIN_WORDS = 4
_HEAD_WORDS = 48
_STOP_WORDS = (
    "that this with have will from they their there were been what when which would could "
    "should about also into than them then some more most very just said says over only "
    "such other these those because while where after before being does doing"
)
_STOP = frozenset(_STOP_WORDS.split())
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘])")
_CACHE_SIZE = 8192
_CACHE: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Item:
    article: int
    text: str
    speaker: str | None  # canonical speaker; None when unknown


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _embed(encoder: Encoder, texts: list[str]) -> np.ndarray:
    """Embeddings with a per-process cache: the same quotes recur across stories and runs."""
    with _LOCK:
        missing = list(dict.fromkeys(t for t in texts if (encoder.name, t) not in _CACHE))
    if missing:
        vectors = encoder.encode(missing)
        with _LOCK:
            for text, vec in zip(missing, vectors, strict=True):
                _CACHE[(encoder.name, text)] = vec
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    with _LOCK:
        rows = [_CACHE.get((encoder.name, t)) for t in texts]
    if any(r is None for r in rows):  # evicted meanwhile by a huge batch: encode directly
        return encoder.encode(texts)
    return np.stack([r for r in rows if r is not None]) if rows else np.zeros((0, 1))


def clear_vector_cache() -> None:
    with _LOCK:
        _CACHE.clear()


def _head(text: str) -> str:
    """What identifies a statement: its first words (MiniLM's cost grows with length)."""
    words = text.split()
    return " ".join(words[:_HEAD_WORDS]) if len(words) > _HEAD_WORDS else text


def _sentences(text: str) -> list[str]:
    """Sentences of four words or more, when a wording has several of them."""
    parts = [s for s in _SENTENCE.split(text) if len(s.split()) >= _MIN_WORDS]
    return parts if len(parts) > 1 else []


def _stems(text: str) -> set[str]:
    """Content-word prefixes: two wordings of one statement share at least one of them."""
    return {w[:5] for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def candidate_pairs(items: Sequence[Item]) -> list[tuple[int, int]]:
    """Pairs (a < b) that may be one statement: speakers agree and a content word is shared.

    Words used by a third of the mentions or more (the story's topic) do not count as shared,
    so a story of many quotes does not compare all of them with all.
    """
    index: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        for stem in _stems(item.text):
            index.setdefault(stem, []).append(k)
    common = max(20, len(items) // 3)
    pairs: set[tuple[int, int]] = set()
    for posting in index.values():
        if len(posting) > common:
            continue
        for i, a in enumerate(posting):
            for b in posting[i + 1 :]:
                sa, sb = items[a].speaker, items[b].speaker
                if sa is None or sb is None or sa == sb:
                    pairs.add((a, b))
    return sorted(pairs)


def similarity(items: Sequence[Item], encoder: Encoder) -> np.ndarray:
    """Pairwise similarity in [0, 1], 0 where two mentions cannot be one statement."""
    n = len(items)
    sim = np.zeros((n, n), dtype=np.float32)
    pairs = candidate_pairs(items)
    if not pairs:
        return sim
    needed = sorted({k for pair in pairs for k in pair})
    row = {k: r for r, k in enumerate(needed)}
    whole = _embed(encoder, [_head(items[k].text) for k in needed])
    norms = {k: _norm(items[k].text) for k in needed}
    cosine = {(a, b): float(whole[row[a]] @ whole[row[b]]) for a, b in pairs}
    pairs = [p for p in pairs if cosine[p] >= FLOOR]
    # A quote of several sentences may share only one of them with a shorter wording.
    parts = {k: _sentences(items[k].text) for pair in pairs for k in pair}
    doubtful = sorted({k for p in pairs if cosine[p] < SAME_SPEAKER + 0.1 for k in p if parts[k]})
    flat = [u for k in doubtful for u in parts[k]]
    vectors = _embed(encoder, flat) if flat else np.zeros((0, whole.shape[1]), np.float32)
    units: dict[int, np.ndarray] = {}
    pos = 0
    for k in doubtful:
        units[k] = np.vstack([whole[row[k] : row[k] + 1], vectors[pos : pos + len(parts[k])]])
        pos += len(parts[k])
    for a, b in pairs:
        short, long_ = sorted((norms[a], norms[b]), key=len)
        lexical = 0.0
        if len(short.split()) >= _MIN_WORDS:
            lexical = fuzz.partial_ratio(short, long_) / 100
        lexical = lexical if lexical >= TRIMMED else 0.0
        if items[a].article == items[b].article and lexical < 0.9:
            continue  # one article quoting two things: two statements
        semantic = cosine[(a, b)]
        if a in units or b in units:
            ua = units.get(a, whole[row[a] : row[a] + 1])
            ub = units.get(b, whole[row[b] : row[b] + 1])
            semantic = max(semantic, float((ua @ ub.T).max()))
        value = max(lexical, semantic)
        if items[a].speaker is None or items[b].speaker is None:
            value -= UNKNOWN_PENALTY
        sim[a, b] = sim[b, a] = min(max(value, 0.0), 1.0)
    return sim


def group(items: Sequence[Item], encoder: Encoder) -> tuple[list[list[int]], np.ndarray]:
    """Clusters of item indices (average link at SAME_SPEAKER) and the similarity matrix."""
    n = len(items)
    if n == 0:
        return [], np.zeros((0, 0), dtype=np.float32)
    sim = similarity(items, encoder)
    if n == 1:
        return [[0]], sim
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    labels = fcluster(
        linkage(squareform(dist, checks=False), method="average"),
        t=1.0 - SAME_SPEAKER,
        criterion="distance",
    )
    clusters: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        clusters.setdefault(int(label), []).append(index)
    return list(clusters.values()), sim
