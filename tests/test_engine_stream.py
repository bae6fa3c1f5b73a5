"""The streaming local engine: batch and block sizes never change what a run produces, the
compact profiles are exactly the ones clustering builds from texts, and the first of an id
wins across batches and runs."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import newsfuse
from newsfuse.cluster import profiles
from newsfuse.engine import briefing, catalog, compact, intake, pool
from newsfuse.model import Article
from newsfuse.settings import Settings
from newsfuse.store import Store, views

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
pytestmark = pytest.mark.slow  # loads the model2vec encoder

# Invented reports; every name and place is made up.
LEADS = [
    "Firefighters in Oskarvik fought a blaze at the Tallmark paper mill on {day}.",
    "The Tallmark paper mill in Oskarvik burned for six hours on {day}, Mayor Ruth Selling said.",
    "Voters in Brenna chose Ada Quill as mayor on {day} after a recount.",
    "Ada Quill won the Brenna mayoral recount on {day}; her rival Tom Vey conceded.",
    "A storm closed the Hessel ferry line on {day}, Captain Ivo Strand said.",
]


def settings() -> Settings:
    return Settings.from_env(encoder="model2vec", analysis=False, workers=1)


def corpus(n: int) -> list[Article]:
    out = []
    for k in range(n):
        day = ("Monday", "Tuesday")[k % 2]  # 20 distinct texts: the rest are exact copies
        text = LEADS[k % len(LEADS)].format(day=day)
        if k % 4 == 0:
            text += " Share this article: Oskarvik News."
        title = None if k % 6 == 0 else f"Headline {k % 9}"
        date = None if k % 5 == 0 else f"2024-03-{1 + k % 11:02d}"
        out.append(Article(id=f"r{k:03d}", origin="t", source=f"s{k % 4}", text=text, title=title))
        out[-1].published = date
    return out


def test_compact_profiles_equal_those_built_from_the_texts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(compact, "BLOCK", 7)
    monkeypatch.setattr(catalog, "PAGE", 5)
    s = settings()
    with Store(tmp_path / "n.db") as store:
        store.add_articles(corpus(60))
        kept = catalog.from_store(store, s)
        kept.resolve()
        catalog.write_links(store, kept)
        got, light = compact.build(store, kept, s)
        stored = {a.id: a for a in store.articles()}
    originals = sorted((a for a in stored.values() if a.duplicate_of is None), key=lambda a: a.id)
    assert 5 < len(originals) < 60  # copies were found and left out
    want = profiles.build(originals, s)
    assert got.ids == want.ids
    for name in ("words", "names"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.shape == b.shape and a.dtype == b.dtype
        for part in ("data", "indices", "indptr"):  # bit for bit, in the same order
            assert np.array_equal(getattr(a, part), getattr(b, part)), (name, part)
    assert np.array_equal(got.meaning, want.meaning)
    assert np.array_equal(got.days, want.days, equal_nan=True)
    assert got.name_keys == want.name_keys and got.name_idf == want.name_idf
    titles = {a.id: a.title for a in light}
    assert [titles[a.id] for a in originals] == [profiles_headline(a) for a in originals]
    assert all(a.text == "" for a in light)


def profiles_headline(article: Article) -> str:
    from newsfuse.cluster.explain import headline

    return headline(article)


def dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "articles": "SELECT id, origin, text, duplicate_of, duplicate_score FROM articles",
        "stories": "SELECT id, title, first_seen, last_seen, sources FROM stories",
        "members": "SELECT * FROM story_articles",
        "summary": "SELECT * FROM story_summary",
    }
    with sqlite3.connect(db) as conn:
        return {k: sorted(conn.execute(q).fetchall(), key=repr) for k, q in queries.items()}


def test_batch_sizes_and_resumed_runs_give_the_same_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One run with default sizes; the same input in two runs with tiny batches, blocks and
    pages everywhere (so the second run indexes the store it finds) ends identical but for
    the order of insertion."""
    whole = newsfuse.run([EXAMPLES], db=tmp_path / "whole.db", settings=settings())
    for module, name, size in [
        (pool, "SERIAL_FIRST", 3),
        (pool, "CHUNK", 2),
        (intake, "STORE_BATCH", 3),
        (compact, "BLOCK", 4),
        (catalog, "PAGE", 3),
        (briefing, "MEMBERS", 2),
        (views, "PAGE", 2),
    ]:
        monkeypatch.setattr(module, name, size)
    db = tmp_path / "parts.db"
    first = newsfuse.run([EXAMPLES / "txt"], db=db, settings=settings())
    again = newsfuse.run([EXAMPLES], db=db, settings=settings())
    assert first.new_articles + again.new_articles == whole.new_articles == 21
    assert dump(db) == dump(tmp_path / "whole.db")
    assert sorted(a.id for a in again.articles) == sorted(a.id for a in whole.articles)
    assert [(s.id, s.articles) for s in again.stories] == [
        (s.id, s.articles) for s in whole.stories
    ]
    stages = [s.stage for s in again.stats]
    assert stages == ["read", "clean", "store", "dedup", "cluster", "brief"]
    read, clean = again.stats[0], again.stats[1]
    assert read.items_in == read.items_out == clean.items_in == 21
    assert clean.items_out == 21 and again.stats[2].items_out == again.new_articles
    assert read.seconds != clean.seconds  # each stage books its own time


@pytest.mark.parametrize("stored_every", [1, 4000])  # ids met again: stored, or still pending
def test_first_record_of_an_id_wins_across_batches_and_runs(
    stored_every: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pool, "SERIAL_FIRST", 2)
    monkeypatch.setattr(pool, "CHUNK", 2)
    monkeypatch.setattr(intake, "STORE_BATCH", stored_every)
    texts = [a.text for a in corpus(6)]
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps({"id": "x", "text": texts[0]}) + "\n")
    rows = [("x", 1), ("y", 2), ("z", 3), ("x", 4), ("y", 5), ("w", 3)]  # x stored before
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "text": texts[t]}) + "\n" for i, t in rows))
    db = tmp_path / "n.db"
    newsfuse.run([old], db=db, settings=settings())
    report = newsfuse.run([feed], db=db, settings=settings())
    assert report.new_articles == 3
    messages = sorted(str(p) for p in report.problems)
    assert messages == [
        f"{feed}:4: id 'x' already used by {feed}:1; skipped",
        f"{feed}:5: id 'y' already used by {feed}:2; skipped",
    ]
    by_id = {a.id: a for a in report.articles}
    assert by_id["x"].origin == f"{old}:1" and by_id["y"].text == texts[2]
    assert by_id["z"].duplicate_of == "w"  # exact copies across batches (undated: by id)
