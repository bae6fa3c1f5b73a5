"""End to end: the CLI and the Python API over files on disk and a real SQLite file."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import newsfuse
import newsfuse.errors
from newsfuse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEEDS = ROOT / ".." / "shared" / "seeds"
pytestmark = pytest.mark.slow

STORY_A = (
    "The harbour authority of Lindqvist closed the northern pier on Monday after a crane "
    "collapsed onto a cargo ship. Nobody was hurt, the authority said. Engineers will inspect "
    "the remaining cranes this week, and the pier could stay shut until the end of the month."
)
STORY_B = (
    "Voters in the mountain town of Pellaro approved a new library by a wide margin on Sunday. "
    "The mayor said construction would begin in the spring. The library will have a reading "
    "room for children and a small museum about the town's mining past."
)


def _run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NEWSFUSE_ENCODER=os.environ.get("NEWSFUSE_ENCODER", "minilm"))
    return subprocess.run(
        [sys.executable, "-m", "newsfuse.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("examples")
    report = newsfuse.run([EXAMPLES], db=out / "nf.db", out=out)
    assert report.problems == []
    return out, json.loads((out / "report.json").read_text())


def test_examples_group_into_the_expected_stories(examples_run: tuple[Path, dict]) -> None:
    _, report = examples_run
    expected = json.loads((EXAMPLES / "expected.json").read_text())
    by_key = {}
    for a in report["articles"]:
        origin = a["origin"]
        rel = os.path.relpath(origin.rsplit(":", 1)[0], EXAMPLES) if ":" in origin else None
        key = a["id"] if rel and rel.endswith(".jsonl") else os.path.relpath(origin, EXAMPLES)
        by_key[key] = a["id"]
    story_of = {aid: s["id"] for s in report["stories"] for aid in s["articles"]}
    groups = [{story_of[by_key[k]] for k in group} for group in expected["stories"]]
    assert all(len(g) == 1 for g in groups), "an expected story was split"
    assert len({next(iter(g)) for g in groups}) == len(groups), "two expected stories merged"


def test_report_files_and_contract(examples_run: tuple[Path, dict]) -> None:
    out, report = examples_run
    assert (out / "index.html").is_file()
    for story in report["stories"]:
        assert list((out / "stories").glob(f"{story['id']}*.md"))
        assert {"id", "title", "articles", "first_seen", "last_seen", "summary"} <= set(story)
        members = set(story["articles"])
        for sentence in story["summary"]:
            assert sentence["citations"] and set(sentence["citations"]) <= members
        reasons = {m["article"]: m["reason"] for m in story["members"]}
        assert set(reasons) == members and all(reasons.values())
    keys = {"id", "origin", "source", "title", "url", "published", "language", "text"}
    for article in report["articles"]:
        assert keys | {"removed", "duplicate_of"} <= set(article)


def test_same_input_twice_stores_nothing_new(examples_run: tuple[Path, dict]) -> None:
    out, first = examples_run
    db = out / "nf.db"
    before = sqlite3.connect(db).execute("select count(*) from articles").fetchone()
    again = newsfuse.run([EXAMPLES], db=db)
    assert again.new_articles == 0
    after = sqlite3.connect(db).execute("select count(*) from articles").fetchone()
    assert before == after
    assert sorted(s.id for s in again.stories) == sorted(s["id"] for s in first["stories"])


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_seeds_make_one_story_without_clutter(tmp_path: Path) -> None:
    report = newsfuse.run([SEEDS], db=tmp_path / "nf.db", out=tmp_path)
    assert len(report.articles) == 5
    assert len(report.stories) == 1 and len(report.stories[0].articles) == 5
    clutter = [
        "Comment As:",
        "Comment (0)",
        "Please enter your comment!",
        "Please enter your name here",
        "No comments:",
        "Post a Comment",
        "ALSO READ",
        "- Advertisement -",
        "Related Articles",
        "Latest Articles",
        "Stay Connected",
        "source site",
    ]
    for article in report.articles:
        lines = [line.strip() for line in article.text.splitlines()]
        assert not [c for c in clutter if c in article.text], article.origin
        assert "kims" not in lines
    teasers = [r for a in report.articles for r in a.removed if r.startswith("ALSO READ")]
    assert teasers
    summary = report.stories[0].summary
    assert 3 <= len(summary) <= 7
    assert not any(t.split(":", 1)[1].strip()[:30] in s.text for t in teasers for s in summary)
    assert len({c for s in summary for c in s.citations}) >= 3


def test_bad_inputs_are_skipped_with_one_line_each(tmp_path: Path) -> None:
    good = tmp_path / "in" / "good"
    good.mkdir(parents=True)
    (good / "a.txt").write_text(STORY_A)
    (good / "b.jsonl").write_text(
        json.dumps({"id": "b1", "text": STORY_B, "published": "2025-04-06"})
        + "\n{not json\n"
        + json.dumps({"id": "b2", "title": "no body"})
        + "\n"
    )
    bad = tmp_path / "in" / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "latin.txt").write_bytes("Caf\xe9 cr\xe8me and more text here.".encode("latin-1"))
    (bad / "nothing.html").write_text("<html><body><nav>Home | About</nav></body></html>")
    big = bad / "huge.txt"
    with big.open("w") as f:
        f.write(("word " * 1_000_000 + "\n") * 10)  # 50 MB
    (bad / "trunc.txt.gz").write_bytes(gzip.compress(STORY_A.encode())[:40])
    db = tmp_path / "nf.db"

    first = newsfuse.run([good], db=db)
    assert first.new_articles == 2
    stored = sqlite3.connect(db).execute("select id, text from articles order by id").fetchall()

    result = _run_cli("run", str(tmp_path / "in"), "--db", str(db), "--out", "o", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    names = ["b.jsonl:2", "b.jsonl:3", "empty.txt", "binary.txt", "latin.txt", "nothing.html"]
    names += ["huge.txt", "trunc.txt.gz"]
    for name in names:
        assert sum(name in line for line in skipped) == 1, (name, skipped)
    after = sqlite3.connect(db).execute("select id, text from articles order by id").fetchall()
    assert after == stored  # nothing already stored changed, nothing bad was added

    strict = _run_cli("run", str(tmp_path / "in"), "--db", str(db), "--strict", cwd=tmp_path)
    assert strict.returncode != 0


def test_cli_lists_and_shows_stories(examples_run: tuple[Path, dict], tmp_path: Path) -> None:
    out, report = examples_run
    listed = _run_cli("stories", "--db", str(out / "nf.db"), cwd=tmp_path)
    assert listed.returncode == 0
    assert all(s["id"] in listed.stdout for s in report["stories"])
    story = max(report["stories"], key=lambda s: len(s["articles"]))
    shown = _run_cli("show", story["id"], "--db", str(out / "nf.db"), cwd=tmp_path)
    assert shown.returncode == 0 and story["summary"][0]["text"][:20] in shown.stdout
    missing = _run_cli("show", "s000000000000", "--db", str(out / "nf.db"), cwd=tmp_path)
    assert missing.returncode == 2 and "s000000000000" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_settings_come_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFUSE_SUMMARY_SENTENCES", "4")
    assert Settings.from_env().summary_sentences == 4
    monkeypatch.setenv("NEWSFUSE_SUMMARY_SENTENCES", "many")
    with pytest.raises(newsfuse.errors.SettingsError):
        Settings.from_env()


def test_boolean_settings_parse_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFUSE_ANALYSIS", "false")
    assert Settings.from_env().analysis is False
    monkeypatch.setenv("NEWSFUSE_ANALYSIS", "maybe")
    with pytest.raises(newsfuse.errors.SettingsError):
        Settings.from_env()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_seed_analysis_is_stored_and_reported(tmp_path: Path) -> None:
    newsfuse.run([SEEDS], db=tmp_path / "nf.db", out=tmp_path)
    report = json.loads((tmp_path / "report.json").read_text())
    [story] = report["stories"]
    for key in ("entities", "quotes", "facts", "conflicts", "timeline", "anomalies", "provenance"):
        assert key in story
    names = [e["name"] for e in story["entities"]]
    assert sum("Putin" in n for n in names) == 1 and sum("Kim Jong" in n for n in names) == 1
    assert any(c["kind"] == "duration" and len(c["claims"]) >= 2 for c in story["conflicts"])
    assert any(a["kind"] == "misdated" for a in story["anomalies"])
    stored, _ = newsfuse.story(tmp_path / "nf.db", story["id"])
    assert stored.analysis is not None and stored.analysis.conflicts
