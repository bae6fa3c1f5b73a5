"""Run history, the problems each run met, and per-story analysis blobs.

A run records what was read with which resolved settings, so a brief can always be traced
back to the exact inputs and knobs that produced it.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import asdict
from typing import Any

from newsfuse.errors import NotFoundError
from newsfuse.model import Problem, StageStat
from newsfuse.store.rows import dumps


def start(conn: sqlite3.Connection, inputs: list[str], settings: dict[str, Any], now: str) -> str:
    run_id = uuid.uuid4().hex
    conn.execute(
        "INSERT INTO runs (id, started_at, inputs, settings) VALUES (?, ?, ?, ?)",
        (run_id, now, dumps(list(inputs)), dumps(settings)),
    )
    return run_id


def _require_run(conn: sqlite3.Connection, run_id: str) -> None:
    if conn.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
        raise NotFoundError(f"no run {run_id!r}")


def finish(conn: sqlite3.Connection, run_id: str, stats: list[StageStat], now: str) -> None:
    _require_run(conn, run_id)
    conn.execute(
        "UPDATE runs SET finished_at = ?, stats = ?, "
        "articles_total = (SELECT count(*) FROM articles), "
        "stories_total = (SELECT count(*) FROM stories), "
        "problems_total = (SELECT count(*) FROM problems WHERE run_id = runs.id) "
        "WHERE id = ?",
        (now, dumps([asdict(s) for s in stats]), run_id),
    )


def add_problems(conn: sqlite3.Connection, run_id: str, problems: list[Problem]) -> None:
    _require_run(conn, run_id)
    conn.executemany(
        "INSERT INTO problems (run_id, location, message, stage) VALUES (?, ?, ?, ?)",
        [(run_id, p.where, p.message, p.stage) for p in problems],
    )


def problems(conn: sqlite3.Connection, run_id: str | None) -> list[Problem]:
    query = "SELECT location, message, stage FROM problems"
    params: tuple[str, ...] = ()
    if run_id is not None:
        query, params = query + " WHERE run_id = ?", (run_id,)
    rows = conn.execute(query + " ORDER BY seq", params)
    return [Problem(where=r["location"], message=r["message"], stage=r["stage"]) for r in rows]


def history(conn: sqlite3.Connection, limit: int | None) -> list[dict[str, Any]]:
    """Newest run first, JSON columns decoded, stats as StageStat objects."""
    rows = conn.execute(
        "SELECT id, started_at, finished_at, inputs, settings, stats, articles_total, "
        "stories_total, problems_total FROM runs ORDER BY seq DESC LIMIT ?",
        (-1 if limit is None else limit,),
    )
    result = []
    for row in rows:
        run = dict(row)
        run["inputs"] = json.loads(row["inputs"])
        run["settings"] = json.loads(row["settings"])
        run["stats"] = [StageStat(**s) for s in json.loads(row["stats"] or "[]")]
        result.append(run)
    return result


def set_analysis(conn: sqlite3.Connection, story_id: str, data: dict[str, Any], now: str) -> None:
    if conn.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is None:
        raise NotFoundError(f"no story {story_id!r}")
    conn.execute(
        "INSERT INTO story_analysis (story_id, data, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (story_id) DO UPDATE SET data = excluded.data, "
        "updated_at = excluded.updated_at",
        (story_id, dumps(data), now),
    )


def analysis(conn: sqlite3.Connection, story_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM story_analysis WHERE story_id = ?", (story_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))
