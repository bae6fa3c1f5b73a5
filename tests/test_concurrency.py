"""Concurrent use of one database file: readers during writes, and two writers at once.

WAL gives each read snapshot one committed state, and the store writes a story with its
members, summary and analysis in one transaction; these tests check both from separate
processes on a real file. Two writers must take turns (the busy timeout) or one must stop
with a clear "locked" error; the file is never left corrupt.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from newsfuse.errors import StoreError
from newsfuse.model import Article
from newsfuse.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
STORIES = 6

WRITER = textwrap.dedent(
    """
    import sys, time
    from newsfuse.model import Analysis, Story, SummarySentence
    from newsfuse.store import Store

    db, seconds, stories = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    store = Store(db)
    version, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        version += 1
        tag = f"v{version}"
        new = [
            Story(
                id=f"s{k}",
                title=f"story {k} {tag}",
                articles=[f"a{k}"],
                summary=[SummarySentence(text=f"summary {tag}", citations=[f"a{k}"])],
                analysis=Analysis(story_dates=[tag]),
            )
            for k in range(stories)
        ]
        if version % 2:
            store.replace_stories(new)
        else:
            store.upsert_stories(new)
    print(version)
    """
)


def article(i: int) -> Article:
    return Article(id=f"a{i}", origin=f"t{i}.txt", source="test.example", text=f"Text {i}.")


def test_a_reader_never_sees_a_story_half_replaced(tmp_path: Path) -> None:
    """Title, summary and analysis of every story read carry the same version, and a whole
    set of stories is always one version: never the old analysis with a new story."""
    db = tmp_path / "nf.db"
    with Store(db) as store:
        store.add_articles([article(k) for k in range(STORIES)])
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), "6", str(STORIES)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
    )
    reads = 0
    versions: set[str] = set()
    try:
        with Store(db, readonly=True) as reader:
            while writer.poll() is None:
                stories = reader.stories()
                if not stories:
                    continue
                reads += 1
                tags = set()
                for story in stories:
                    tag = story.title.rsplit(" ", 1)[1]
                    assert story.analysis is not None, story.id
                    assert story.analysis.story_dates == [tag], story
                    assert [s.text for s in story.summary] == [f"summary {tag}"], story
                    assert story.articles == [f"a{story.id[1:]}"]
                    tags.add(tag)
                assert len(stories) == STORIES and len(tags) == 1, tags
                versions |= tags
    finally:
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert int(out) > 10 and reads > 10, (out, reads)
    assert len(versions) > 2, "the reader must have seen the writer's progress"


def test_a_second_writer_waits_or_fails_clearly(tmp_path: Path) -> None:
    db = tmp_path / "nf.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        with Store(db, timeout=0.3) as store:
            started = time.monotonic()
            with pytest.raises(StoreError, match=r"locked by another writer.*try again"):
                store.add_articles([article(1)])
            assert time.monotonic() - started < 10
            assert store.count_articles() == 0  # reads go on meanwhile
        with Store(db, timeout=10) as store:  # a patient writer simply waits its turn
            holder.execute("COMMIT")
            assert store.add_articles([article(1)]) == 1
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
    check_integrity(db)


def check_integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        orphans = conn.execute(
            "SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_articles)"
        ).fetchone()[0]
        assert orphans == 0


def cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsfuse.cli", *args],
        env=dict(os.environ, NEWSFUSE_ENCODER="model2vec", HF_HUB_OFFLINE="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@pytest.mark.slow
def test_reads_during_a_run_and_two_runs_at_once(tmp_path: Path) -> None:
    """Real `newsfuse run`s: a reader polls stories throughout, and two runs over different
    inputs start together on one file. Each run finishes or fails with a clear message."""
    db, out = tmp_path / "nf.db", tmp_path / "out"
    first = cli("run", str(EXAMPLES / "txt"), "--db", str(db), "--out", str(out / "a"))
    assert first.wait(timeout=600) == 0, first.communicate()[0][-2000:]
    runs = [
        cli("run", str(EXAMPLES / "html"), "--db", str(db), "--out", str(out / "b")),
        cli("run", str(EXAMPLES / "jsonl"), "--db", str(db), "--out", str(out / "c")),
    ]
    reads = 0
    with Store(db, readonly=True) as reader:
        while any(run.poll() is None for run in runs):
            stories = reader.stories()
            reads += 1
            for story in stories:  # a story is only ever seen with its own analysis
                assert story.articles and story.summary and story.analysis is not None
                for entity in story.analysis.entities:
                    assert set(entity.articles) <= set(story.articles), story.id
            time.sleep(0.05)
    outputs = [run.communicate()[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0 or (
            run.returncode == 2 and "locked by another writer" in output
        ), output[-2000:]
    assert reads > 0
    check_integrity(db)
    again = cli("run", str(EXAMPLES), "--db", str(db), "--out", str(out / "d"))
    assert again.wait(timeout=600) == 0
    check_integrity(db)
    with Store(db, readonly=True) as reader:
        assert reader.count_articles() == 21
        assert sum(len(s.articles) for s in reader.stories()) == 21
