"""How stages report progress without knowing who is watching (CLI bars, logs, nothing)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from newsfuse.model import StageStat


class Progress(Protocol):
    def start(self, stage: str, total: int | None = None) -> None: ...

    def advance(self, stage: str, n: int = 1) -> None: ...

    def finish(self, stage: str) -> None: ...


class NullProgress:
    """The default: the Python API stays silent."""

    def start(self, stage: str, total: int | None = None) -> None:
        pass

    def advance(self, stage: str, n: int = 1) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


@contextmanager
def timed_stage(
    progress: Progress, stats: list[StageStat], name: str, items_in: int, total: int | None
) -> Iterator[StageStat]:
    """A stage's bar and its StageStat (appended to `stats` with its seconds), for every engine."""
    stat = StageStat(stage=name, items_in=items_in)
    progress.start(name, total)
    started = time.perf_counter()
    try:
        yield stat
    finally:
        stat.seconds = round(time.perf_counter() - started, 4)
        progress.finish(name)
        stats.append(stat)


class StageClock:
    """Stage stats for a streamed pass, where stages take turns chunk by chunk.

    Reading, cleaning, storing and indexing interleave, so no stage has one start and end;
    each `part` adds the wall-clock seconds the main process spends in (or waiting for) that
    stage to its own StageStat. Work a worker process does meanwhile shows up as the main
    process's wait for it. `book` appends every stat once, in the order first used.
    """

    def __init__(self, progress: Progress, stats: list[StageStat]) -> None:
        self.progress = progress
        self.stats = stats
        self.open: dict[str, StageStat] = {}
        self.bars: set[str] = set()

    def stat(self, name: str, total: int | None = None, bar: bool = True) -> StageStat:
        if name not in self.open:
            self.open[name] = StageStat(stage=name)
            if bar:
                self.progress.start(name, total)
                self.bars.add(name)
        return self.open[name]

    @contextmanager
    def part(self, name: str) -> Iterator[StageStat]:
        stat = self.stat(name)
        started = time.perf_counter()
        try:
            yield stat
        finally:
            stat.seconds += time.perf_counter() - started

    def done(self, *names: str) -> None:
        """The stages' bars end; their seconds may still grow (a last write, say)."""
        for name in names:
            if name in self.bars:
                self.bars.discard(name)
                self.progress.finish(name)

    def book(self) -> None:
        self.done(*list(self.bars))
        for stat in self.open.values():
            stat.seconds = round(stat.seconds, 4)
            self.stats.append(stat)
        self.open.clear()
