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
