"""A killed ingest leaves the database as before or after a batch, and a re-run finishes it
exactly as an uninterrupted run would; plus the `newsfuse ingest` command itself."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsfuse import api
from newsfuse.cli import app
from newsfuse.settings import Settings
from newsfuse.store import Store

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow  # loads a sentence encoder

# Invented reports: three per event, so batches of three cut across stories.
EVENTS = {
    "ferry": [
        "The ferry Maren Star ran aground off Skelby Point on Tuesday with 212 passengers. "
        "The coastguard said lifeboats took everyone off and nobody was hurt.",
        "All 212 passengers of the Maren Star were rescued after the ferry ran aground near "
        "Skelby Point on Tuesday, the coastguard said. Nobody was injured.",
        "Lifeboats took 212 people off the ferry Maren Star after it struck a reef at Skelby "
        "Point on Tuesday. The coastguard reported no injuries.",
    ],
    "chess": [
        "Tobiah Venn won the Oskarholm chess open on Sunday, beating Lida Marsh in the final "
        "round. Venn, 19, is the youngest winner in the tournament's history.",
        "Nineteen-year-old Tobiah Venn became the youngest champion of the Oskarholm open after "
        "defeating Lida Marsh in Sunday's last round.",
        "Lida Marsh lost the final round of the Oskarholm open to Tobiah Venn on Sunday, making "
        "the 19-year-old Venn the tournament's youngest winner ever.",
    ],
    "bridge": [
        "Residents of Pellmoor voted on Saturday to build a bridge over the river Thale. The "
        "council said work would start in autumn and cost 12 million crowns.",
        "Pellmoor will get a new bridge across the Thale after residents approved the 12 million "
        "crown plan in Saturday's vote, the council said.",
        "In Saturday's referendum Pellmoor residents backed a 12 million crown bridge over the "
        "river Thale; construction begins in the autumn, according to the council.",
    ],
}
KILLER = """
import os, signal, sys
from newsfuse import api
from newsfuse.settings import Settings
from newsfuse.store import Store

calls = 0
write = Store.upsert_stories

def write_then_die(self, changed, removed_ids=()):
    # Inside the batch transaction: articles, index rows and stories are written, not committed.
    global calls
    calls += 1
    write(self, changed, removed_ids)
    if calls == 2:
        os.kill(os.getpid(), signal.SIGKILL)

Store.upsert_stories = write_then_die
settings = Settings.from_env(analysis=False, index_days=0, encoder="model2vec", ingest_batch=3)
api.ingest([sys.argv[1]], sys.argv[2], settings)
"""


def corpus(tmp_path: Path) -> Path:
    rows = []
    for k in range(3):  # interleaved: every batch of three holds one report of each event
        for name, texts in EVENTS.items():
            rows.append({"id": f"{name}-{k}", "text": texts[k], "published": f"2024-06-0{k + 1}"})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def state(db: Path) -> tuple[object, ...]:
    conn = sqlite3.connect(db)
    articles = conn.execute("SELECT id, duplicate_of, version FROM articles ORDER BY id").fetchall()
    stories = conn.execute(
        "SELECT story_id, group_concat(article_id) FROM "
        "(SELECT * FROM story_articles ORDER BY story_id, article_id) GROUP BY story_id"
    ).fetchall()
    index = conn.execute("SELECT article_id, exact_key FROM article_index ORDER BY 1").fetchall()
    return articles, sorted(stories), index


def test_killed_batch_leaves_no_trace_and_a_rerun_completes(tmp_path: Path) -> None:
    source = corpus(tmp_path)
    settings = Settings.from_env(analysis=False, index_days=0, encoder="model2vec", ingest_batch=3)
    db = tmp_path / "killed.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLER), str(source), str(db)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert killed.returncode == -9, killed.stderr[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = {r[0] for r in conn.execute("SELECT id FROM articles")}
    assert stored == {"ferry-0", "chess-0", "bridge-0"}  # the first batch, whole
    assert conn.execute("SELECT count(*) FROM article_index").fetchone() == (3,)
    in_stories = {r[0] for r in conn.execute("SELECT article_id FROM story_articles")}
    assert in_stories == stored
    conn.close()

    rerun = api.ingest([source], db, settings)
    assert (rerun.unchanged, rerun.new_articles, rerun.batches) == (3, 6, 2)
    clean = tmp_path / "clean.db"
    api.ingest([source], clean, settings)
    assert state(db) == state(clean)
    assert len(state(clean)[1]) == 3  # and the three events did form three stories


def test_cli_ingest_reports_counts_and_strict_fails_on_bad_input(tmp_path: Path) -> None:
    source = corpus(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    db = tmp_path / "nf.db"
    env = {"NEWSFUSE_ENCODER": "model2vec", "NEWSFUSE_ANALYSIS": "false"}
    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(source), "--db", str(db), "--batch", "4"], env=env)
    assert first.exit_code == 0, first.output
    assert "9 new article(s)" in first.output and "in 3 batch(es)" in first.output
    again = runner.invoke(
        app, ["ingest", str(source), str(bad), "--db", str(db), "--strict"], env=env
    )
    assert again.exit_code == 1
    assert "9 already stored" in again.output and "bad.jsonl:1" in again.output
    with Store(db, readonly=True) as store:
        assert store.count_articles() == 9 and store.count_stories() == 3
