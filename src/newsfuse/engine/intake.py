"""The streamed intake of a run: read -> clean (worker pool) -> store, a batch at a time.

Cleaned articles are stored a few thousand at a time, each lot in its own transaction, so
memory holds a few batches of text, never the input. A run killed here leaves whole
articles stored and no story for them; the next run finds them unclustered and clusters
everything again (tests/test_crash.py). When the database was empty the cleaning workers
also fingerprint each batch and the dedup index fills on the way; otherwise the engine
indexes the store afterwards, in insertion order, so a resumed run links copies exactly as
an uninterrupted one.

The first record of an id wins, as before streaming: a later one in the same input is a
Problem naming the first one's origin, and an id stored by an earlier run is skipped.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar

from newsfuse.engine.catalog import Catalog
from newsfuse.engine.pool import clean_batches
from newsfuse.engine.progress import StageClock
from newsfuse.ingest import read_paths
from newsfuse.model import Article, Problem
from newsfuse.settings import Settings
from newsfuse.store import Store, pages

T = TypeVar("T")
# Articles per transaction. Each commit flushes FTS5's pending terms into a new index
# segment that later merges rewrite: a few large commits write the database far fewer times.
STORE_BATCH = 4_000


class _Timed(Iterator[T]):
    """Seconds spent producing the items: how long reading took inside the clean loop."""

    def __init__(self, items: Iterator[T]) -> None:
        self.items = items
        self.seconds = 0.0

    def __next__(self) -> T:
        started = time.perf_counter()
        try:
            return next(self.items)
        finally:
            self.seconds += time.perf_counter() - started


def take_in(
    store: Store,
    settings: Settings,
    paths: list[str | Path],
    problems: list[Problem],
    clock: StageClock,
    catalog: Catalog | None,
) -> int:
    """Store the new articles of `paths`; fingerprint them into `catalog` when given.

    Returns how many articles were added.
    """
    read = clock.stat("read", bar=False)
    clean = clock.stat("clean")
    store_stat = clock.stat("store")
    before = store.read_with(pages.last_seq)  # higher seqs were stored by this run
    earlier: dict[str, str] = {}  # ids stored before this run, met in its input: -> origin
    pending: list[Article] = []  # kept, not stored yet
    here: dict[str, str] = {}  # their ids -> origin
    raws = _Timed(read_paths(paths, settings, problems))
    batches = clean_batches(raws, settings, settings.workers, prints=catalog is not None)
    while True:
        started, reading = time.perf_counter(), raws.seconds
        batch = next(batches, None)
        read.seconds += raws.seconds - reading
        clean.seconds += time.perf_counter() - started - (raws.seconds - reading)
        if batch is None:
            break
        items, prints = batch
        with clock.part("store"):
            owners = store.read_with(pages.owners, [a.id for a in items if isinstance(a, Article)])
        kept: list[Article] = []
        rows: list[int] = []  # positions of the kept articles among the batch's articles
        row = -1
        for item in items:
            read.items_out += 1
            clean.items_in += 1
            clock.progress.advance("clean")
            if isinstance(item, Problem):
                problems.append(item)
                continue
            row += 1
            first = here.get(item.id, earlier.get(item.id))
            owner = owners.get(item.id)
            if first is None and owner is not None and owner[0] > before:
                first = owner[1]
            if first is not None:
                message = f"id {item.id!r} already used by {first}; skipped"
                problems.append(Problem(item.origin, message, stage="clean"))
                continue
            clean.items_out += 1
            if owner is not None:  # stored by an earlier run: kept as it is
                earlier[item.id] = item.origin
                continue
            here[item.id] = item.origin
            kept.append(item)
            rows.append(row)
        if catalog is not None and prints is not None:
            with clock.part("dedup"):
                catalog.add(prints, rows, [a.source for a in kept])
        pending += kept
        if len(pending) >= STORE_BATCH:
            _flush(store, pending, here, clock)
    _flush(store, pending, here, clock)
    read.items_in = read.items_out + sum(p.stage == "read" for p in problems)
    clock.done("clean", "store")
    return store_stat.items_out


def _flush(store: Store, pending: list[Article], here: dict[str, str], clock: StageClock) -> None:
    """One transaction; from now on the store answers for these ids (seq above `before`)."""
    with clock.part("store") as stat:
        stat.items_in += len(pending)
        stat.items_out += store.add_articles(pending) if pending else 0
        clock.progress.advance("store", len(pending))
    pending.clear()
    here.clear()
