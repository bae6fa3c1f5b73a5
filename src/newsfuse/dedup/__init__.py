"""Deduplicate stage: mark exact copies and near-copies, pointing each to its original.

The original of a group is the earliest published member (undated ones rank last, ties by
id), so a republication months later is marked as the copy, never the other way round.

The stage is three steps so that another engine can run the first two per partition and
the banding as a shuffle (engine/shuffle.py): fingerprint() per article, verified() per
candidate pair, link() once over everything.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.dedup.near import candidate_pairs, similarity
from newsfuse.model import Article
from newsfuse.settings import Settings

BANDS = 32  # 32 bands x 4 rows: finds pairs from Jaccard ~0.5 up, rarely misses >= 0.8


def _rank(article: Article) -> tuple[int, str, int, str]:
    return (article.published is None, article.published or "", -len(article.text), article.id)


def fingerprint(articles: list[Article], settings: Settings) -> tuple[list[str], np.ndarray]:
    """Exact keys and MinHash signature rows; each row depends on its own article only."""
    tokens = [words(a.text) for a in articles]
    return [exact_key(t) for t in tokens], signatures(tokens, settings.minhash_permutations)


def verified(
    sigs: np.ndarray, pairs: Iterable[tuple[int, int]], settings: Settings
) -> list[tuple[int, int]]:
    """The candidate pairs whose estimated Jaccard reaches the near-duplicate threshold."""
    threshold = settings.near_duplicate_threshold
    return [(i, j) for i, j in sorted(pairs) if similarity(sigs, i, j) >= threshold]


def find_duplicates(articles: list[Article], settings: Settings) -> list[Article]:
    """Set duplicate_of/duplicate_score on every copy; returns the same list."""
    if not articles:
        return articles
    keys, sigs = fingerprint(articles, settings)
    return link(articles, keys, sigs, verified(sigs, candidate_pairs(sigs, BANDS), settings))


def link(
    articles: list[Article], keys: list[str], sigs: np.ndarray, pairs: list[tuple[int, int]]
) -> list[Article]:
    """Group equal keys and verified pairs; point every member to its group's original."""
    order = sorted(range(len(articles)), key=lambda i: _rank(articles[i]))
    position = {i: p for p, i in enumerate(order)}
    parent = list(range(len(articles)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:  # the better-ranked root stays the original
            if position[ri] < position[rj]:
                parent[rj] = ri
            else:
                parent[ri] = rj

    first_by_key: dict[str, int] = {}
    for i in order:
        key = keys[i]
        if key in first_by_key:
            join(first_by_key[key], i)
        else:
            first_by_key[key] = i

    for i, j in pairs:
        join(i, j)

    for i, article in enumerate(articles):
        r = root(i)
        if r == i:
            article.duplicate_of, article.duplicate_score = None, None
        else:
            same = keys[i] == keys[r]
            article.duplicate_of = articles[r].id
            article.duplicate_score = 1.0 if same else round(similarity(sigs, i, r), 3)
    return articles
