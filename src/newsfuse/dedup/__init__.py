"""Deduplicate stage: mark exact copies and near-copies, pointing each to its original.

The original of a group is the earliest published member (undated ones rank last, ties by
id), so a republication months later is marked as the copy, never the other way round.
Exact copies (same words ignoring case and punctuation) share one signature, so only one
text per exact key is MinHashed and banded: news corpora are full of verbatim reposts.
`DedupIndex` (index.py) does the same from streamed fingerprints, for inputs too large to
hold as Articles.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.dedup.index import DedupIndex, Rank
from newsfuse.model import Article
from newsfuse.settings import Settings

__all__ = ["DedupIndex", "Fingerprints", "find_duplicates", "fingerprint", "index_batch"]


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
