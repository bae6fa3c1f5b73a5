"""The streaming dedup index gives the same originals as find_duplicates on the whole list."""

from __future__ import annotations

import random

import numpy as np

from newsfuse.dedup import (
    BANDS,
    DedupIndex,
    find_duplicates,
    fingerprint,
    fingerprint_rows,
    index_batch,
    link_rows,
)
from newsfuse.dedup.near import BUCKET_CAP, band_keys, candidate_array
from newsfuse.model import Article
from newsfuse.settings import Settings

VOCAB = [f"w{i}" for i in range(3000)]


def corpus(seed: int, n: int) -> list[Article]:
    """Originals, exact copies (case/punctuation changed), near copies, and unrelated texts."""
    rng = random.Random(seed)
    bases = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(3, 200))) for _ in range(n)]
    articles = []
    for i in range(n * 3):
        text = bases[rng.randrange(n)]
        kind = rng.random()
        if kind < 0.3:
            text = text.upper() + "!"
        elif kind < 0.6:
            tokens = text.split()
            tokens[rng.randrange(len(tokens))] = "edited"
            text = " ".join(tokens)
        date = f"2024-01-{1 + rng.randrange(28):02d}" if rng.random() < 0.8 else None
        articles.append(Article(id=f"a{i:04d}", origin="x", source="s", text=text, published=date))
    return articles


def test_streamed_batches_match_find_duplicates() -> None:
    settings = Settings()
    articles = corpus(3, 150)
    expected = [(a.duplicate_of, a.duplicate_score) for a in find_duplicates(articles, settings)]
    index = DedupIndex(settings)
    for start in range(0, len(articles), 37):  # odd batch size: copies span batches
        index_batch(index, fingerprint(articles[start : start + 37], 128))
    got = [
        (None, None) if original < 0 else (articles[original].id, score)
        for original, score in index.resolve()
    ]
    assert got == expected
    assert sum(d is not None for d, _ in got) > 100  # the corpus really has copies
    assert len(index.first_of) < len(articles) and index.nbytes() > 0


def brute_force_pairs(signatures: np.ndarray, bands: int) -> set[tuple[int, int]]:
    keys = band_keys(signatures, bands)
    pairs: set[tuple[int, int]] = set()
    for b in range(bands):
        buckets: dict[int, list[int]] = {}
        for i, key in enumerate(keys[:, b].tolist()):
            buckets.setdefault(key, []).append(i)
        for members in buckets.values():
            if len(members) > BUCKET_CAP:
                pairs.update((members[0], m) for m in members[1:])
            else:
                pairs.update((a, c) for k, a in enumerate(members) for c in members[k + 1 :])
    return pairs


def test_vectorised_banding_equals_the_bucket_definition() -> None:
    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 4, size=(400, 8), dtype=np.uint32)  # few values: many collisions
    sigs[:100] = sigs[0]  # one bucket far over the cap in every band
    pairs = candidate_array(sigs, 4)
    assert {(int(i), int(j)) for i, j in pairs} == brute_force_pairs(sigs, 4)
    assert (pairs[:, 0] < pairs[:, 1]).all()


def test_link_rows_from_article_pairs_match_find_duplicates() -> None:
    """The Dask engine's path: per-article fingerprints and candidate pairs of articles
    (its shuffle bands every article) resolved by the same index."""
    settings = Settings()
    articles = corpus(11, 120)
    expected = [(a.duplicate_of, a.duplicate_score) for a in find_duplicates(articles, settings)]
    copies = [Article(id=a.id, origin=a.origin, source=a.source, text=a.text) for a in articles]
    for a, b in zip(copies, articles, strict=True):
        a.published = b.published
    keys, sigs = fingerprint_rows(copies, settings)
    link_rows(copies, keys, sigs, candidate_array(sigs, BANDS), settings)
    assert [(a.duplicate_of, a.duplicate_score) for a in copies] == expected
    assert sum(d is not None for d, _ in expected) > 100
