"""Index rows for articles stored without them (a database built by `newsfuse run`).

Incremental ingest compares new articles with the index, so an article missing from it would
be invisible: never found as an original, never a neighbour. The first ingest into such a
database fingerprints and embeds those articles from their stored text, chunk by chunk, each
chunk in its own transaction, so an interrupted backfill simply continues next time.
"""

from __future__ import annotations

import math

from newsfuse.cluster.profiles import day_of, text_of
from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.embed.encoder import get_encoder
from newsfuse.model import filed_date
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store import incremental as rows

CHUNK = 2000


def backfill(store: Store, settings: Settings) -> int:
    """Index every stored article that has no index row; returns how many were added."""
    added = 0
    while True:
        missing = store.read_with(rows.unindexed, CHUNK)
        if not missing:
            return added
        articles = store.articles(missing)
        tokens = [words(a.text) for a in articles]
        sigs = signatures(tokens, settings.minhash_permutations)
        originals = [a for a in articles if a.duplicate_of is None]
        encoder = get_encoder(settings.encoder, settings.cache_dir)
        vectors = dict(
            zip(
                [a.id for a in originals],
                encoder.encode([text_of(a) for a in originals]),
                strict=True,
            )
        )
        batch = []
        for a, t, sig in zip(articles, tokens, sigs, strict=True):
            day = day_of(filed_date(a))
            known = None if math.isnan(day) else day
            vector = vectors.get(a.id)
            batch.append(
                rows.IndexRow(
                    a.id,
                    known,
                    known,
                    exact_key(t),
                    sig.astype("<u4").tobytes(),
                    None if vector is None else vector.astype("float32").tobytes(),
                    None if vector is None else settings.encoder,
                )
            )
        store.write_with(rows.put_index, batch)
        added += len(batch)
