"""Deduplicate stage: mark exact copies and near-copies, pointing each to its original.

The original of a group is the earliest published member (undated ones rank last, ties by
id), so a republication months later is marked as the copy, never the other way round.
Exact copies (same words ignoring case and punctuation) share one signature, so only one
text per exact key is MinHashed and banded: news corpora are full of verbatim reposts.
`DedupIndex` (index.py) does the same from streamed fingerprints, for inputs too large to
hold as Articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.dedup.index import BANDS, DedupIndex, Rank
from newsfuse.model import Article, filed_date
from newsfuse.settings import Settings

__all__ = [
    "BANDS",
    "DedupIndex",
    "Fingerprints",
    "find_duplicates",
    "fingerprint",
    "fingerprint_rows",
    "index_batch",
    "link_rows",
]


def _rank(article: Article) -> Rank:
    published = filed_date(article)
    return (published is None, published or "", -len(article.text), article.id)


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


def index_batch(index: DedupIndex, batch: Fingerprints, keep: Sequence[int] | None = None) -> None:
    """Add a fingerprinted batch (or the rows of it in `keep`, in that order) to the index,
    keeping signatures of new texts only."""
    rows = range(len(batch.keys)) if keep is None else keep
    keys = [batch.keys[i] for i in rows]
    new = index.add([batch.ranks[i] for i in rows], keys)
    if new:
        by_key = {batch.keys[i]: row for i, row in batch.signatures.items()}
        index.add_signatures(np.stack([by_key[keys[p]] for p in new]))
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
    _apply(articles, index.resolve())
    return articles


def _apply(articles: list[Article], resolved: list[tuple[int, float | None]]) -> None:
    for article, (original, score) in zip(articles, resolved, strict=True):
        if original < 0:
            article.duplicate_of, article.duplicate_score = None, None
        else:
            article.duplicate_of, article.duplicate_score = articles[original].id, score


# -- the same stage from fingerprints and candidate pairs made elsewhere (engine/shuffle.py) --


def fingerprint_rows(articles: list[Article], settings: Settings) -> tuple[list[str], np.ndarray]:
    """Exact keys and one MinHash row per article (the Dask shuffle bands every row)."""
    tokens = [words(a.text) for a in articles]
    return [exact_key(t) for t in tokens], signatures(tokens, settings.minhash_permutations)


def link_rows(
    articles: list[Article],
    keys: list[str],
    sigs: np.ndarray,
    pairs: np.ndarray,
    settings: Settings,
) -> list[Article]:
    """find_duplicates from per-article fingerprints and candidate pairs of article positions.

    The pairs are mapped to distinct texts and resolved by the same DedupIndex as every other
    path, so there is one rule for who is whose copy.
    """
    if not articles:
        return articles
    index = DedupIndex(settings)
    new = index.add([_rank(a) for a in articles], keys)
    index.add_signatures(sigs[new])
    text = np.frombuffer(index.texts, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    _apply(articles, index.resolve(text[pairs]))
    return articles
