"""Deduplicate stage: mark exact copies and near-copies, pointing each to its original.

The original of a group is the earliest published member (undated ones rank last, ties by
id), so a republication months later is marked as the copy, never the other way round.
Exact copies (same words ignoring case and punctuation) share one signature, so only one
text per exact key is MinHashed and banded: news corpora are full of verbatim reposts.
`DedupIndex` (index.py) does the same from streamed fingerprints, for inputs too large to
hold as Articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.dedup.index import BANDS, DedupIndex, Rank
from newsfuse.dedup.near import similarity
from newsfuse.model import Article
from newsfuse.settings import Settings

__all__ = [
    "BANDS",
    "DedupIndex",
    "Fingerprints",
    "find_duplicates",
    "fingerprint",
    "fingerprint_rows",
    "index_batch",
    "link",
    "verified",
]


def _rank(article: Article) -> Rank:
    return (article.published is None, article.published or "", -len(article.text), article.id)


class Fingerprints(NamedTuple):
    """What DedupIndex needs of a batch of articles; small enough to send between processes."""

    ranks: list[Rank]
    keys: list[str]
    signatures: dict[int, np.ndarray]  # first position in the batch of each distinct text


def fingerprint(articles: list[Article], num_perm: int) -> Fingerprints:
    """Fingerprint a batch where it was cleaned (a worker), so the texts need not travel."""
    tokens = [words(a.text) for a in articles]
    keys = [exact_key(t) for t in tokens]
    firsts = list({k: i for i, k in reversed(list(enumerate(keys)))}.values())
    firsts.sort()
    rows = signatures([tokens[i] for i in firsts], num_perm)
    return Fingerprints([_rank(a) for a in articles], keys, dict(zip(firsts, rows, strict=True)))


def index_batch(index: DedupIndex, batch: Fingerprints) -> None:
    """Add a fingerprinted batch to the index, keeping signatures of new texts only."""
    new = index.add(batch.ranks, batch.keys)
    if new:
        index.add_signatures(np.stack([batch.signatures[i] for i in new]))
    else:
        index.add_signatures(np.zeros((0, 1), dtype=np.uint32))


def find_duplicates(articles: list[Article], settings: Settings) -> list[Article]:
    """Set duplicate_of/duplicate_score on every copy; returns the same list."""
    if not articles:
        return articles
    index = DedupIndex(settings)
    tokens = [words(a.text) for a in articles]
    keys = [exact_key(t) for t in tokens]
    new = index.add([_rank(a) for a in articles], keys)
    index.add_signatures(signatures([tokens[i] for i in new], settings.minhash_permutations))
    for article, (original, score) in zip(articles, index.resolve(), strict=True):
        if original < 0:
            article.duplicate_of, article.duplicate_score = None, None
        else:
            article.duplicate_of, article.duplicate_score = articles[original].id, score
    return articles


# -- the same stage in three steps, for engines that band as a shuffle (engine/shuffle.py) --


def fingerprint_rows(articles: list[Article], settings: Settings) -> tuple[list[str], np.ndarray]:
    """Exact keys and one MinHash row per article (the Dask shuffle bands every row)."""
    tokens = [words(a.text) for a in articles]
    return [exact_key(t) for t in tokens], signatures(tokens, settings.minhash_permutations)


def verified(
    sigs: np.ndarray, pairs: Iterable[tuple[int, int]], settings: Settings
) -> list[tuple[int, int]]:
    """The candidate pairs whose estimated Jaccard reaches the near-duplicate threshold."""
    threshold = settings.near_duplicate_threshold
    return [(i, j) for i, j in sorted(pairs) if similarity(sigs, i, j) >= threshold]


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
