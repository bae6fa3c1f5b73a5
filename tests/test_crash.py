"""Crash safety: `newsfuse run` killed with SIGKILL at random moments never leaves a broken
or half-written database, and running it again ends exactly where an uninterrupted run does.

The database first holds a completed run over part of the input (examples/), so the killed
runs add articles to a store that already has stories: the case where an interrupted run
could leave new articles stored but never clustered. Kill moments come from a seeded Random,
spread over the length of one uninterrupted run, so some land before, some inside and some
after the writes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KILLS = int(os.environ.get("NEWSFUSE_CRASH_KILLS", 20))  # each costs up to one run
# `ingest` is the command users run again and again on a live archive: it gets every kill;
# `run` rewrites all stories at once and gets a third of them.
COMMANDS = {"ingest": KILLS, "run": max(2, KILLS // 3)}
pytestmark = pytest.mark.slow

# Invented reports of three invented events, a few outlets each, so the killed runs have real
# clustering, dedup and analysis work to do (and to be interrupted in).
EVENTS = {
    "ferry": (
        "The ferry Marisol ran aground on the Kessel sandbar on {day} with {n} passengers on "
        "board, the coastguard of Vantry said. Captain Ilse Borrow told reporters that "
        '"the channel markers were gone after the storm". All passengers were taken ashore by '
        "lifeboats from Port Anwick, and the operator Brightwater Lines suspended the route."
    ),
    "vote": (
        "Councillors in Dunmore voted {n} to 4 on {day} to close the old Halden bridge to cars. "
        'Mayor Petra Olund said the decision was "overdue and unavoidable" after engineers '
        "found corroded cables. Buses will use the ring road while the Halden bridge is rebuilt, "
        "a project the council expects to cost eleven million crowns."
    ),
    "strike": (
        "Nurses at the Calloway General hospital began a {n}-day strike on {day} over staffing. "
        'Union leader Amos Tregear said "wards are running on goodwill alone", while the '
        "hospital board of Calloway said emergency care would continue. Talks with the health "
        "ministry of Veradia are set to resume next week in Ostrin."
    ),
}
OUTLETS = ("kesselpost.example", "dunmorevoice.example", "ostrinherald.example", "vantry.example")


def make_input(folder: Path) -> Path:
    """examples/ plus invented articles: an input of moderate size."""
    shutil.copytree(EXAMPLES, folder / "examples", ignore=shutil.ignore_patterns("*.md", "*.json"))
    for event, template in EVENTS.items():
        for i, outlet in enumerate(OUTLETS):
            text = template.format(day=("Monday", "Tuesday")[i % 2], n=120 + 7 * i)
            path = folder / "more" / outlet / f"{event}-{i}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{event.title()} report {i}\n\n{text}\n", encoding="utf-8")
    return folder


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsfuse.cli", *args]


def env() -> dict[str, str]:
    # model2vec: the crash-safety path is the store's, and each run starts in seconds.
    return dict(os.environ, NEWSFUSE_ENCODER="model2vec", HF_HUB_OFFLINE="1")


def run_to_end(command: str, inputs: Path, db: Path, out: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        cli(command, str(inputs), "--db", str(db), "--out", str(out)),
        env=env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return time.perf_counter() - started


def kill_at(command: str, inputs: Path, db: Path, out: Path, delay: float) -> bool:
    """Start a run and SIGKILL it after `delay` seconds; True if it was still running."""
    proc = subprocess.Popen(
        cli(command, str(inputs), "--db", str(db), "--out", str(out)),
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its HTML extraction child
        proc.wait()
        return True


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a user relies on, without timestamps and row numbers that differ by design."""
    queries = {
        "articles": "SELECT id, origin, source, title, url, published, language, text, removed, "
        "duplicate_of, duplicate_score, meta FROM articles",
        "stories": "SELECT id, title, first_seen, last_seen, sources FROM stories",
        "members": "SELECT story_id, article_id, position, member_position, similarity, "
        "shared_entities, date_gap_days, reason FROM story_articles",
        "summary": "SELECT story_id, position, text, citations FROM story_summary",
        "analysis": "SELECT story_id, data FROM story_analysis",
    }
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return {
            name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in queries.items()
        }


def check_consistent(db: Path) -> None:
    """Nothing half-written: every table agrees with every other, whatever moment it died."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        conn.execute("INSERT INTO stories_fts (stories_fts) VALUES ('integrity-check')")

        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        stories = one("SELECT count(*) FROM stories")
        if stories:  # a set of stories is written whole: members, summary and analysis
            assert one("SELECT count(*) FROM stories WHERE id NOT IN "
                       "(SELECT story_id FROM story_articles)") == 0  # fmt: skip
            assert one("SELECT count(*) FROM stories WHERE id NOT IN "
                       "(SELECT story_id FROM story_summary)") == 0  # fmt: skip
            assert one("SELECT count(*) FROM story_analysis") == stories
            for (data,) in conn.execute("SELECT data FROM story_analysis"):
                assert isinstance(json.loads(data), dict)
        # Stories cover either all articles or exactly those stored before the last good run.
        clustered = one("SELECT count(*) FROM story_articles")
        assert clustered <= one("SELECT count(*) FROM articles")
        for finished, articles, problems, run_id in conn.execute(
            "SELECT finished_at, articles_total, problems_total, id FROM runs"
        ):
            if finished is not None:  # a run marked finished has its counts
                assert articles is not None and problems is not None, run_id
    finally:
        conn.close()


def copy_db(source: Path, target: Path) -> None:
    """A consistent copy through SQLite's backup API (the file alone may miss its WAL)."""
    for suffix in ("", "-wal", "-shm"):  # a stale WAL would be replayed into the copy
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_sigkill_at_random_moments_never_corrupts_and_a_rerun_completes(
    command: str, tmp_path: Path
) -> None:
    inputs = make_input(tmp_path / "in")
    out = tmp_path / "out"
    base = tmp_path / "base.db"  # a completed run over the first part of the input
    run_to_end(command, inputs / "examples", base, out)

    reference = tmp_path / "reference.db"  # then all of it, uninterrupted
    copy_db(base, reference)
    full_run = run_to_end(command, inputs, reference, out)
    expected = dump(reference)
    assert len(expected["articles"]) == 33 and expected["stories"]

    crashed = tmp_path / "crashed.db"
    copy_db(base, crashed)
    chance = random.Random(20251123)
    killed = 0
    kills = COMMANDS[command]
    for _ in range(kills):
        if kill_at(command, inputs, crashed, out, chance.uniform(0.2, full_run * 0.9)):
            killed += 1
        else:  # it finished: start the next one with the work to do again
            copy_db(base, crashed)
        check_consistent(crashed)
    # A run can finish first when the machine gets less busy than during the timed one.
    assert killed >= max(1, kills // 3), "runs must really be killed, not finish first"

    run_to_end(command, inputs, crashed, out)
    check_consistent(crashed)
    assert dump(crashed) == expected
