"""Cleaning spread over CPU cores for large inputs, in input order.

Cleaning is pure per-record work and the costliest stream stage, so above a batch size it
runs in a process pool (spawned workers: forking a process that already holds threads or a
model is unsafe). Small inputs stay in-process, where a pool's start-up would cost more
than it saves. A worker can also fingerprint what it cleaned for dedup, so that work is
spread over the cores too and only keys and signatures travel with the articles.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

from newsfuse.clean import clean
from newsfuse.dedup import Fingerprints, fingerprint
from newsfuse.errors import InputError
from newsfuse.model import Article, Problem, RawDoc
from newsfuse.settings import Settings

CHUNK = 256  # records per task: large enough to hide pickling, small enough to stream
SERIAL_FIRST = 2_000  # records cleaned in-process before a pool pays for itself

Cleaned = Article | Problem
Batch = tuple[list[Cleaned], Fingerprints | None]  # one task's records, and their fingerprints


def _clean_chunk(raws: list[RawDoc], settings: Settings) -> list[Cleaned]:
    out: list[Cleaned] = []
    for raw in raws:
        try:
            out.append(clean(raw, settings))
        except InputError as e:
            out.append(Problem(e.where, e.message, stage="clean"))
        except Exception as e:  # a cleaner bug must cost one record, not the batch
            message = (
                f"unexpected error while cleaning ({type(e).__name__}: {e}); "
                "please report this as a newsfuse bug"
            )
            out.append(Problem(raw.origin, message, stage="clean"))
    return out


def _batch(raws: list[RawDoc], settings: Settings, prints: bool) -> Batch:
    items = _clean_chunk(raws, settings)
    if not prints:
        return items, None
    articles = [a for a in items if isinstance(a, Article)]
    return items, fingerprint(articles, settings.minhash_permutations)


def _chunks(raws: Iterator[RawDoc], size: int) -> Iterator[list[RawDoc]]:
    while chunk := list(islice(raws, size)):
        yield chunk


def clean_batches(
    raws: Iterable[RawDoc], settings: Settings, workers: int = 0, prints: bool = False
) -> Iterator[Batch]:
    """Cleaned records batch by batch, in input order; with `prints`, each batch also has the
    Fingerprints of its articles (in the order they appear among the batch's items)."""
    workers = workers or min(os.cpu_count() or 1, 8)
    stream = iter(raws)
    yield _batch(list(islice(stream, SERIAL_FIRST)), settings, prints)
    first = list(islice(stream, CHUNK))
    if not first:
        return
    if workers < 2:
        yield _batch(first, settings, prints)
        for chunk in _chunks(stream, CHUNK):
            yield _batch(chunk, settings, prints)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending = [pool.submit(_batch, first, settings, prints)]
        for chunk in _chunks(stream, CHUNK):
            pending.append(pool.submit(_batch, chunk, settings, prints))
            if len(pending) > 4 * workers:  # bounded read-ahead keeps memory flat
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def clean_all(raws: Iterable[RawDoc], settings: Settings, workers: int = 0) -> Iterator[Cleaned]:
    """Articles (or the Problem that replaced each), in input order."""
    for items, _ in clean_batches(raws, settings, workers):
        yield from items
