"""The real server answers reads while a real `newsfuse ingest` writes to its database.

tests/test_concurrency.py checks the store from separate processes; this checks what a user
of the web API sees: `newsfuse serve` in its own process over a database built from
examples/, an ingest of invented follow-up reports (some joining the examples' stories, some
new) in another, and a client reading the stories list and every story throughout. Small
ingest batches make many commits, so the client reads between many states. Every answer
must be whole: one state of the story, never a new member list with an old analysis.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsfuse.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ANALYSIS_KEYS = ("entities", "quotes", "facts", "conflicts", "timeline", "anomalies", "provenance")
ID_KEYS = ("article", "articles", "earliest", "derived_from")
pytestmark = pytest.mark.slow

# Invented follow-ups: (published, sentences). The first three continue stories of examples/
# (the Saltmere strike, the Hollin Dam collapse, the Aldmoor Bank resignation); the rest are
# events of their own. Each report is a shuffled pick of its event's sentences.
EVENTS = [
    (
        "2025-05-03",
        [
            "Dockworkers at the Port of Saltmere stayed off work for a second day on Saturday.",
            "About 2,400 members of the Dock and Harbour Workers' Union joined the strike.",
            "Marisol Quaye said the union would not accept automated cranes without new shifts.",
            "The Saltmere Port Authority said {n} container ships were waiting at anchor.",
            "Bertrand Oyelaran repeated that the new cranes would not cost a single job.",
            "Trucks queued for {k} kilometres on Quay Road outside the closed terminal gates.",
        ],
    ),
    (
        "2025-09-14",
        [
            "Engineers inspected the broken wall of the Hollin Dam above Pellow Ford on Sunday.",
            "Some 1,200 residents evacuated from Pellow Ford were told not to return yet.",
            "The Greythorn Irrigation Board said the water level had fallen by {k} metres.",
            "The flooded campsite at Merrow Bend on the river Sallow remained closed.",
            "{n} people were treated in hospital after the collapse, the board said.",
            "An inquiry into the 1931 concrete wall of the Hollin Dam was announced.",
        ],
    ),
    (
        "2025-06-19",
        [
            "Aldmoor Bank named an interim chief executive a day after Ilse Varga resigned.",
            "Ilse Varga stepped down after an outage left customers without payments.",
            "The outage at Aldmoor Bank lasted {k} hours and hit {n} thousand accounts.",
            "The regulator said it would review how Aldmoor Bank tested its systems.",
            "Shares in Aldmoor Bank rose slightly after the appointment was announced.",
        ],
    ),
    (
        "2025-07-08",
        [
            "A ferry caught fire in Kestrel Bay on Tuesday morning with {n} passengers aboard.",
            "All passengers of the Kestrel Bay ferry were brought ashore by lifeboats.",
            "The fire started in the engine room, the ferry operator Coldwater Lines said.",
            "Coldwater Lines suspended its crossings from Kestrel Bay for {k} days.",
            "The harbour master of Kestrel Bay praised the crew for a calm evacuation.",
        ],
    ),
    (
        "2025-08-21",
        [
            "A wildfire spread across {n} hectares of forest in the Orrin Valley on Thursday.",
            "Firefighters from three provinces were sent to the Orrin Valley.",
            "The village of Dunmere in the Orrin Valley was evacuated overnight.",
            "Strong winds pushed the Orrin Valley fire east, the fire service said.",
            "Roads into the Orrin Valley were closed for {k} days.",
        ],
    ),
]


def write_reports(folder: Path, n: int, seed: int = 5, prefix: str = "new") -> Path:
    """`n` invented reports as one JSONL file, each from its own outlet."""
    rng = random.Random(seed)
    path = folder / "new.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            published, sentences = EVENTS[i % len(EVENTS)]
            picked = rng.sample(sentences, k=rng.randint(4, len(sentences)))
            filled = [
                s.format(n=rng.randint(20, 900), k=rng.randint(2, 9)).capitalize() for s in picked
            ]
            text = "\n\n".join(" ".join(filled[j : j + 2]) for j in range(0, len(filled), 2))
            record = {
                "id": f"{prefix}-{i}",
                "title": filled[0][:80],
                "text": text,
                "source": f"outlet{i}.example",
                "published": published,
            }
            f.write(json.dumps(record) + "\n")
    return path


def cli(*args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "newsfuse.cli", *args],
        env={
            **{k: v for k, v in os.environ.items() if k != "NEWSFUSE_TOKEN"},
            "NEWSFUSE_ENCODER": "model2vec",
            "HF_HUB_OFFLINE": "1",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 300) -> str:
    out, _ = process.communicate(timeout=timeout)
    return out


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("examples")
    path = folder / "nf.db"
    run = cli("run", str(EXAMPLES), "--db", str(path), "--out", str(folder / "out"))
    output = finish(run)
    assert run.returncode == 0, output[-2000:]
    return path


@pytest.fixture
def db(examples_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the examples database for each test (SQLite's backup API)."""
    path = tmp_path / "nf.db"
    with sqlite3.connect(examples_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    return path


@pytest.fixture
def server(db: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = cli("serve", "--db", str(db), "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/api/stories", timeout=5).raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve did not start: {process.stdout.read()}")  # type: ignore[union-attr]
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        output = finish(process, timeout=30)
        assert "Traceback" not in output, output[-3000:]


def ids_in(value: Any) -> Iterator[str]:
    """Every article id an analysis names, however deep (entities, facts, claims, ...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ID_KEYS and isinstance(item, str):
                yield item
            elif key in ID_KEYS and isinstance(item, list):
                yield from (i for i in item if isinstance(i, str))
            else:
                yield from ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids_in(item)


def check_story(story: dict[str, Any]) -> None:
    """One story answer is one state of the story: everything it cites is a member."""
    members = set(story["articles"])
    assert len(members) == len(story["articles"]), story["id"]
    assert {m["article"] for m in story["members"]} == members, story["id"]
    assert {e["article"] for e in story["entries"]} == members, story["id"]
    for sentence in story["summary"]:
        assert set(sentence["citations"]) <= members, (story["id"], sentence)
        assert {e["article"] for e in sentence["evidence"]} <= members, story["id"]
    named = set(ids_in({k: story.get(k) for k in ANALYSIS_KEYS}))
    assert named <= members, (story["id"], named - members)
    assert sum(day["articles"] for day in story["coverage"]) <= len(members), story["id"]


class Reader(threading.Thread):
    """Reads the stories list and each listed story, over and over, until told to stop."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.rounds = self.stories = self.gone = 0
        self.totals: set[int] = set()
        self.failures: list[str] = []

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.url, timeout=60) as http:
                while not self.stop.is_set():
                    self.round(http)
        except Exception as e:  # reported by the test, not lost in the thread
            self.failures.append(f"{type(e).__name__}: {e}")

    def round(self, http: httpx.Client) -> None:
        listed = http.get("/api/stories", params={"limit": 100})
        assert listed.status_code == 200, listed.text
        page = listed.json()
        self.totals.add(sum(card["articles"] for card in page["stories"]))
        for card in page["stories"]:
            r = http.get(f"/api/stories/{card['id']}")
            if r.status_code == 404:  # merged away with no story left to point to
                assert "error" in r.json(), r.text
                self.gone += 1
                continue
            assert r.status_code == 200, (r.status_code, r.text)
            check_story(r.json())
            self.stories += 1
        self.rounds += 1


def test_reads_during_an_ingest_are_whole_and_never_fail(
    server: str, db: Path, tmp_path: Path
) -> None:
    before = httpx.get(server + "/api/stories", params={"limit": 100}).json()
    stored = sum(card["articles"] for card in before["stories"])
    reports = write_reports(tmp_path, 30)
    reader = Reader(server)
    reader.start()
    try:
        time.sleep(0.5)  # a few reads of the old state first
        ingest = cli("ingest", str(reports), "--db", str(db), NEWSFUSE_INGEST_BATCH="4")
        output = finish(ingest)
        time.sleep(0.5)  # and of the new one
    finally:
        reader.stop.set()
        reader.join(timeout=120)
    assert ingest.returncode == 0, output[-2000:]
    assert "30 new article(s)" in output, output[-2000:]
    assert reader.failures == [], reader.failures
    assert reader.rounds > 3 and reader.stories > 10, (reader.rounds, reader.stories)
    assert len(reader.totals) > 2, "the reader must have seen the ingest's progress"
    after = httpx.get(server + "/api/stories", params={"limit": 100}).json()
    assert sum(card["articles"] for card in after["stories"]) == stored + 30
    with Store(db, readonly=True) as store:
        for i in range(3):  # the follow-ups joined the examples' stories, not stories alone
            story = store.story(store.story_of(f"new-{i}") or "")
            assert any(not a.startswith("new-") for a in story.articles), story.articles
    for card in after["stories"]:
        check_story(httpx.get(f"{server}/api/stories/{card['id']}").json())
    check_integrity(db)


def test_two_ingests_at_once_take_turns_or_one_fails_clearly(db: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    runs = [
        cli("ingest", str(write_reports(first, 15, seed=1, prefix="a")), "--db", str(db)),
        cli("ingest", str(write_reports(second, 15, seed=2, prefix="b")), "--db", str(db)),
    ]
    outputs = [finish(run) for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0 or (
            run.returncode == 2 and "locked by another writer" in output
        ), output[-2000:]
        assert "Traceback" not in output, output[-2000:]
    check_integrity(db)
    with Store(db, readonly=True) as store:
        stories = store.stories()
        assert sum(len(s.articles) for s in stories) == store.count_articles()
        done = sum(run.returncode == 0 for run in runs)
        assert store.count_articles() == 21 + 15 * done, outputs
        for story in stories:
            assert {m.article for m in story.members} == set(story.articles)


def check_integrity(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
