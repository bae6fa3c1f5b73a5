"""Incremental ingest on a real SQLite file: stories grow, copies are found against what is
stored, new versions are kept as versions, and the same input twice changes nothing."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

import newsfuse
from newsfuse import api
from newsfuse.cluster.online import _name
from newsfuse.engine.index import OnlineIndex
from newsfuse.errors import NotFoundError
from newsfuse.model import Story
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store.incremental import add_aliases

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
pytestmark = pytest.mark.slow  # loads sentence encoders

# Invented events; every name and place is made up.
FERRY = [
    "The ferry Maren Star ran aground off Skelby Point on Tuesday night with 212 passengers on "
    "board. The coastguard said all passengers were taken off by lifeboats and nobody was hurt. "
    "Captain Ilse Norrgard said fog had hidden the reef marker.",
    "All 212 passengers of the Maren Star ferry were rescued after it ran aground near Skelby "
    "Point late on Tuesday, the coastguard said. Fog covered the reef marker, according to "
    "Captain Ilse Norrgard. Nobody was injured.",
    "Lifeboats took 212 people off the ferry Maren Star, which struck a reef at Skelby Point on "
    "Tuesday. Captain Ilse Norrgard blamed thick fog. The coastguard reported no injuries.",
]
CHESS = [
    "Grandmaster Tobiah Venn won the Oskarholm chess open on Sunday after beating Lida Marsh in "
    "a tense final round. Venn, 19, is the youngest winner in the tournament's history and takes "
    "home a prize of 40,000 crowns.",
    "Nineteen-year-old Tobiah Venn became the youngest champion of the Oskarholm open, defeating "
    "Lida Marsh in the last round on Sunday. The victory earns Venn 40,000 crowns.",
]
VOTE = (
    "Residents of Pellmoor voted on Saturday to build a new bridge over the river Thale. The "
    "council said work would begin in the autumn and cost 12 million crowns."
)


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def rec(rid: str, text: str, day: str, url: str | None = None) -> dict[str, str]:
    out = {"id": rid, "text": text, "published": day, "source": f"{rid}.example"}
    if url:
        out["url"] = url
    return out


@pytest.fixture(scope="module")
def settings() -> Settings:
    # model2vec: the same stages as MiniLM at a fraction of the time (summaries embed every
    # sentence of every changed story); index_days=0: the examples span six months.
    return Settings.from_env(analysis=False, index_days=0, encoder="model2vec")


def partition(db: Path) -> list[list[str]]:
    with Store(db, readonly=True) as store:
        return sorted(sorted(s.articles) for s in store.stories())


def test_examples_in_ten_batches_make_the_at_once_stories(
    tmp_path: Path, settings: Settings
) -> None:
    files = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".txt", ".html", ".jsonl"))
    random.Random(5).shuffle(files)
    batched = tmp_path / "batched.db"
    for k in range(10):
        api.ingest(files[k::10], batched, settings)
    at_once = tmp_path / "at_once.db"
    newsfuse.run([EXAMPLES], db=at_once, settings=settings, formats=())
    assert partition(batched) == partition(at_once)
    with Store(batched, readonly=True) as store:
        before = [(s.id, s.articles, s.summary) for s in store.stories()]
    again = api.ingest([EXAMPLES], batched, settings)
    assert (again.new_articles, again.unchanged, again.batches) == (0, 21, 0)
    assert again.stories_changed == []
    with Store(batched, readonly=True) as store:
        assert [(s.id, s.articles, s.summary) for s in store.stories()] == before


def test_story_keeps_its_id_and_only_changed_stories_are_rewritten(
    tmp_path: Path, settings: Settings
) -> None:
    db = tmp_path / "nf.db"
    first = write_jsonl(
        tmp_path / "1.jsonl",
        [rec("z-ferry", FERRY[0], "2024-05-07"), rec("m-chess", CHESS[0], "2024-05-05")],
    )
    api.ingest([first], db, settings)
    with Store(db, readonly=True) as store:
        ferry_id = store.story_of("z-ferry")
        stamps = dict(sqlite3.connect(db).execute("SELECT id, updated_at FROM stories"))
    # "a-ferry" sorts before "z-ferry": clustering at once would name the story after it.
    second = write_jsonl(tmp_path / "2.jsonl", [rec("a-ferry", FERRY[1], "2024-05-08")])
    result = api.ingest([second], db, settings)
    assert result.new_articles == 1 and result.stories_changed == [ferry_id]
    with Store(db, readonly=True) as store:
        assert store.story_of("a-ferry") == ferry_id
        assert set(store.story(ferry_id).articles) == {"a-ferry", "z-ferry"}
    after = dict(sqlite3.connect(db).execute("SELECT id, updated_at FROM stories"))
    chess_id = next(s for s in stamps if s != ferry_id)
    assert after[chess_id] == stamps[chess_id]  # the chess story was not touched
    assert after[ferry_id] != stamps[ferry_id]


def test_copies_are_found_against_stored_articles(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "nf.db"
    api.ingest(
        [write_jsonl(tmp_path / "1.jsonl", [rec("o1", FERRY[0], "2024-05-07")])], db, settings
    )
    shouted = "  ".join(FERRY[0].upper().split())  # same words, other case and spacing
    earlier = FERRY[2]
    batch = [rec("c1", shouted, "2024-05-09"), rec("e1", earlier, "2024-05-06")]
    result = api.ingest([write_jsonl(tmp_path / "2.jsonl", batch)], db, settings)
    assert result.duplicates == 1
    with Store(db, readonly=True) as store:
        assert store.article("c1").duplicate_of == "o1"
        assert store.story_of("c1") == store.story_of("o1") == store.story_of("e1")


def test_new_version_of_a_stored_article(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "nf.db"
    url = "https://ferry.example/maren-star"
    v1 = write_jsonl(tmp_path / "v1.jsonl", [rec("f1", FERRY[0], "2024-05-07", url)])
    api.ingest([v1], db, settings)
    corrected = FERRY[0].replace("212 passengers", "214 passengers") + (
        " An inquiry into the grounding opens on Friday."
    )
    # A different id (as a re-scraped page would get) but the same URL: an update, not a copy.
    v2 = write_jsonl(tmp_path / "v2.jsonl", [rec("f1-rescraped", corrected, "2024-05-08", url)])
    out = tmp_path / "out"
    result = api.ingest([v2], db, settings, out=out)
    assert (result.new_articles, result.updated_articles) == (0, 1)
    with Store(db, readonly=True) as store:
        assert store.count_articles() == 1
        assert store.article("f1").text == corrected
        story = store.story(store.story_of("f1") or "")
    assert [v["text"] for v in api.versions(db, "f1")] == [FERRY[0]]
    assert story.analysis is not None
    (update,) = story.analysis.updates
    assert update.article == "f1" and update.version == 2
    assert any("inquiry" in s for s in update.added)
    assert any("212 passengers" in s for s in update.removed)
    report = json.loads((out / "report.json").read_text())
    assert report["stories"][0]["updates"][0]["version"] == 2
    # Reading the old file again is not a third version, nor is the new one again.
    again = api.ingest([v1, v2], db, settings)
    assert (again.updated_articles, again.new_articles, again.unchanged) == (0, 0, 2)


def test_merged_story_ids_lead_to_the_story_that_holds_them(
    tmp_path: Path, settings: Settings
) -> None:
    a1, a2, b1 = "a1", "a2", "b1"
    old = {"sA": {a1, a2}, "sB": {b1}}
    merged = _name([Story("x", "t", [a1, a2, b1, "n1"])], old, {"n1"}, lambda ids: set())
    assert [s.id for s in merged.changed] == ["sA"]
    assert merged.aliases == [("sB", "sA", "merged")] and merged.removed == ["sB"]
    split = _name(
        [Story("x", "t", [a1]), Story("y", "t", [a2])], {"sA": {a1, a2}}, {a2}, lambda ids: set()
    )
    assert split.changed[0].id == "sA" and split.changed[1].id not in ("sA", "x")
    db = tmp_path / "nf.db"
    api.ingest(
        [write_jsonl(tmp_path / "1.jsonl", [rec("f1", FERRY[0], "2024-05-07")])], db, settings
    )
    with Store(db) as store:
        live = store.story_of("f1") or ""
        store.write_with(add_aliases, [("s-gone", "s-middle", "merged")], "now")
        store.write_with(add_aliases, [("s-middle", live, "merged")], "now")
    story, articles = api.story(db, "s-gone")
    assert story.id == live and [a.id for a in articles] == ["f1"]
    with pytest.raises(NotFoundError):
        api.story(db, "s-nowhere")


def test_retention_evicts_old_entries_from_memory_only(tmp_path: Path) -> None:
    settings = Settings.from_env(analysis=False, index_days=30, encoder="model2vec")
    db = tmp_path / "nf.db"
    old = [rec("old", VOTE, "2024-01-02")]
    new = [rec("new", CHESS[0], "2024-03-01"), rec("undated", FERRY[0], "")]
    api.ingest([write_jsonl(tmp_path / "1.jsonl", old)], db, settings)
    api.ingest([write_jsonl(tmp_path / "2.jsonl", new)], db, settings)
    with Store(db, readonly=True) as store:
        assert store.count_articles() == 3
        index = OnlineIndex.load(store, settings)
        everything = OnlineIndex.load(store, Settings.from_env(index_days=0, encoder="model2vec"))
    assert set(index.ids) == {"new", "undated"}
    assert set(everything.ids) == {"old", "new", "undated"}
    # A late report of the January event is still compared with it: its days are recalled.
    late = [rec("late-copy", VOTE.replace("Saturday", "Saturday,"), "2024-01-03")]
    api.ingest([write_jsonl(tmp_path / "3.jsonl", late)], db, settings)
    with Store(db, readonly=True) as store:
        assert store.article("late-copy").duplicate_of == "old"
        assert store.story_of("late-copy") == store.story_of("old")
        assert "old" not in OnlineIndex.load(store, settings).ids


def test_ingest_into_a_database_built_by_run(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "nf.db"
    first = write_jsonl(tmp_path / "1.jsonl", [rec("f0", FERRY[0], "2024-05-07")])
    newsfuse.run([first], db=db, settings=settings, formats=())
    copy = rec("f0-copy", FERRY[0].upper(), "2024-05-08")
    later = [copy, rec("f1", FERRY[1], "2024-05-08")]
    result = api.ingest([write_jsonl(tmp_path / "2.jsonl", later)], db, settings)
    assert result.new_articles == 2 and result.duplicates == 1
    with Store(db, readonly=True) as store:
        assert store.article("f0-copy").duplicate_of == "f0"
        assert store.story_of("f1") == store.story_of("f0") == store.story_of("f0-copy")


def test_a_merge_through_a_new_version_leaves_an_alias(tmp_path: Path, settings: Settings) -> None:
    db = tmp_path / "nf.db"
    two = [rec("x1", FERRY[0], "2024-05-07"), rec("y1", CHESS[0], "2024-05-07")]
    api.ingest([write_jsonl(tmp_path / "1.jsonl", two)], db, settings)
    with Store(db, readonly=True) as store:
        before = {store.story_of("x1"), store.story_of("y1")}
    assert len(before) == 2
    # y1 is corrected into a report of the ferry grounding: the two stories become one.
    fixed = [rec("y1", FERRY[1], "2024-05-07")]
    result = api.ingest([write_jsonl(tmp_path / "2.jsonl", fixed)], db, settings)
    assert result.updated_articles == 1
    with Store(db, readonly=True) as store:
        (live,) = {store.story_of("x1"), store.story_of("y1")}
    assert live in before
    (gone,) = before - {live}
    assert result.stories_merged == {gone: live}
    story, articles = api.story(db, gone)
    assert story.id == live and {a.id for a in articles} == {"x1", "y1"}
