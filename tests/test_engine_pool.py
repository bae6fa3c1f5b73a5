"""The process pool cleans exactly what the in-process path cleans, in the same order."""

from __future__ import annotations

import pytest

from newsfuse.engine import pool
from newsfuse.model import Article, Problem, RawDoc
from newsfuse.settings import Settings


def _raws(n: int) -> list[RawDoc]:
    raws = []
    for i in range(n):
        text = (
            f"Report number {i} from the harbour town of Kelmsey. The council met on Tuesday "
            f"and voted {i} to {n - i} on the new ferry timetable, officials said."
        )
        raws.append(RawDoc(origin=f"in.jsonl:{i + 1}", id=f"r{i}", text=text if i % 7 else " "))
    return raws


def _summary(items: list[Article | Problem]) -> list[tuple[str, str]]:
    return [(x.id, x.text) if isinstance(x, Article) else ("problem", x.where) for x in items]


def test_pool_matches_serial_cleaning(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    raws = _raws(60)
    serial = list(pool.clean_all(raws, settings, workers=1))
    monkeypatch.setattr(pool, "SERIAL_FIRST", 5)
    monkeypatch.setattr(pool, "CHUNK", 4)
    parallel = list(pool.clean_all(raws, settings, workers=2))
    assert _summary(parallel) == _summary(serial)
    problems = [x for x in parallel if isinstance(x, Problem)]
    assert [p.where for p in problems] == [f"in.jsonl:{i + 1}" for i in range(0, 60, 7)]
