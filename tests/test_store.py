"""Store behaviour: idempotent ingest, atomic story swaps, runs, analysis and search."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from newsfuse.errors import NotFoundError, StoreError
from newsfuse.model import Article, Membership, Problem, StageStat, Story, SummarySentence
from newsfuse.store import Store, schema


def art(article_id: str, text: str = "") -> Article:
    return Article(id=article_id, origin=f"{article_id}.html", source="example.org", text=text)


def story(story_id: str, articles: list[str], last_seen: str | None = None) -> Story:
    return Story(
        id=story_id,
        title=f"Story {story_id}",
        articles=articles,
        last_seen=last_seen,
        members=[Membership(article=a, similarity=0.9, reason="shared words") for a in articles],
        summary=[SummarySentence(text=f"About {story_id}.", citations=articles[:1])],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "news.db")
    s.add_articles(art(f"a{i}", f"text number {i}") for i in range(6))
    return s


def test_add_articles_is_idempotent(tmp_path: Path) -> None:
    batch = [art("x", "first"), art("y", "second"), art("x", "repeated in the batch")]
    with Store(tmp_path / "n.db") as s:
        assert s.add_articles(batch) == 2
        assert s.add_articles(batch) == 0
        assert s.add_articles([Article(id="x", origin="o", source="s", text="changed")]) == 0
        assert s.count_articles() == 2
        assert s.article("x").text == "first"  # an id already stored is left unchanged
        assert s.has_article("y") and not s.has_article("z")
        assert s.known_ids(["x", "z", "y"]) == {"x", "y"}


def test_add_articles_is_one_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as s:
        bad = Article(id="bad", origin="o", source="s", text="lone surrogate \ud800")
        with pytest.raises(StoreError, match="bad"):
            s.add_articles([art("ok", "fine"), bad])
        assert s.count_articles() == 0


def test_articles_by_id_keep_insertion_order(store: Store) -> None:
    chosen = store.articles(["a4", "missing", "a1", "a3"])
    assert [a.id for a in chosen] == ["a1", "a3", "a4"]
    assert [a.id for a in store.articles()] == [f"a{i}" for i in range(6)]
    many = [f"a{i}" for i in range(6)] + [f"none{i}" for i in range(1200)]  # over one chunk
    assert len(store.articles(many)) == 6
    with pytest.raises(NotFoundError):
        store.article("missing")


def test_update_duplicates(store: Store) -> None:
    store.update_duplicates([("a1", "a0", 0.93), ("a2", None, None)])
    assert (store.article("a1").duplicate_of, store.article("a1").duplicate_score) == ("a0", 0.93)
    with pytest.raises(NotFoundError):
        store.update_duplicates([("a3", "a0", 0.9), ("nope", "a0", 0.9)])
    assert store.article("a3").duplicate_of is None  # the whole call rolled back


def test_replace_stories_swaps_everything(store: Store) -> None:
    store.replace_stories([story("s1", ["a0", "a1"]), story("s2", ["a2"])])
    store.replace_stories([story("s2", ["a2", "a3"]), story("s3", ["a0"])])
    assert sorted(s.id for s in store.stories()) == ["s2", "s3"]
    assert store.story_of("a1") is None and store.story_of("a3") == "s2"
    assert store.story("s2").articles == ["a2", "a3"]
    with pytest.raises(NotFoundError):
        store.story("s1")


def test_replace_stories_is_atomic(store: Store) -> None:
    before = [story("s1", ["a0", "a1"]), story("s2", ["a2"])]
    store.replace_stories(before)
    broken = [story("s3", ["a3"]), story("s4", ["a4", "not-stored"])]
    with pytest.raises(StoreError, match="not-stored"):
        store.replace_stories(broken)
    assert sorted(store.stories(), key=lambda s: s.id) == before
    with pytest.raises(StoreError, match="NaN"):
        bad = story("s5", ["a5"])
        bad.members[0].similarity = math.nan
        store.replace_stories([bad])
    assert store.count_stories() == 2


def test_stories_order_and_paging(store: Store) -> None:
    store.replace_stories(
        [
            story("b", ["a0"], "2023-09-13"),
            story("a", ["a1"], "2023-09-13"),
            story("c", ["a2"], None),
            story("d", ["a3"], "2023-09-14T08:00:00"),
        ]
    )
    assert [s.id for s in store.stories()] == ["d", "a", "b", "c"]
    assert [s.id for s in store.stories(limit=2, offset=1)] == ["a", "b"]
    assert [s.articles for s in store.stories(limit=1)] == [["a3"]]


def test_upsert_stories(store: Store) -> None:
    store.replace_stories([story("s1", ["a0"]), story("s2", ["a1"]), story("s3", ["a2"])])
    store.upsert_stories([story("s2", ["a1", "a3"]), story("s4", ["a4"])], removed_ids=["s3"])
    assert sorted(s.id for s in store.stories()) == ["s1", "s2", "s4"]
    assert store.story("s2").articles == ["a1", "a3"] and store.story_of("a2") is None
    with pytest.raises(StoreError, match="already belongs to story 's1'"):
        store.upsert_stories([story("s5", ["a0"])])
    with pytest.raises(StoreError, match="twice"):
        store.upsert_stories([story("s6", ["a5"]), story("s6", ["a5"])])
    assert store.story_of("a0") == "s1" and store.count_stories() == 3


def test_analysis_follows_its_story(store: Store) -> None:
    store.replace_stories([story("s1", ["a0", "a1"]), story("s2", ["a2"])])
    data = {"entities": [{"name": "Kim Jong Un", "count": 3}], "quotes": [], "score": 0.5}
    store.set_analysis("s1", data)
    store.set_analysis("s2", {"facts": ["é"]})
    assert store.analysis("s1") == data
    store.replace_stories([story("s1", ["a0", "a1"]), story("s2", ["a2", "a3"])])
    assert store.analysis("s1") == data  # same articles: still valid
    assert store.analysis("s2") is None  # articles changed: stale result dropped
    store.replace_stories([story("s2", ["a2"])])
    assert store.analysis("s1") is None
    with pytest.raises(NotFoundError):
        store.set_analysis("s1", data)


def test_runs_and_problems(store: Store) -> None:
    run = store.start_run(["seeds/", "more.jsonl"], {"cluster_threshold": 0.5})
    store.add_problems(run, [Problem("more.jsonl:3", "no text"), Problem("x.html", "empty")])
    store.finish_run(run, [StageStat("read", 7, 5, 0.25), StageStat("clean", 5, 5, 1.5)])
    other = store.start_run([], {})
    history = store.runs()
    assert [r["id"] for r in history] == [other, run]
    done = history[1]
    assert done["inputs"] == ["seeds/", "more.jsonl"]
    assert done["settings"] == {"cluster_threshold": 0.5}
    assert done["stats"][1] == StageStat("clean", 5, 5, 1.5)
    assert (done["articles_total"], done["stories_total"], done["problems_total"]) == (6, 0, 2)
    assert history[0]["finished_at"] is None
    assert [str(p) for p in store.problems(run)] == ["more.jsonl:3: no text", "x.html: empty"]
    assert store.problems(other) == []
    with pytest.raises(NotFoundError):
        store.add_problems("no-such-run", [Problem("a", "b")])


def test_odd_json_values_do_not_fail_an_ingest(tmp_path: Path) -> None:
    with Store(tmp_path / "n.db") as s:
        a = art("m")
        a.meta = {"score": math.inf, "nested": [math.nan, 1.5], "when": Path("x")}
        s.add_articles([a])
        assert s.article("m").meta == {"score": None, "nested": [None, 1.5], "when": "x"}


def test_search(store: Store) -> None:
    store.add_articles(
        [
            Article(
                id="k1",
                origin="k1.html",
                source="example.org",
                title="Kim-Putin summit at the cosmodrome",
                text="The leaders met at Vostochny. Café talk followed.",
            ),
            Article(id="k2", origin="k2.html", source="x", text="Putin spoke about grain."),
        ]
    )
    store.replace_stories([Story(id="s1", title="Kim and Putin meet", articles=["k1", "k2"])])
    assert store.has_search
    assert store.search_articles("kim-putin") == ["k1"]
    assert store.search_articles("CAFE vostochny") == ["k1"]  # case and accents folded
    assert set(store.search_articles("putin")) == {"k1", "k2"}
    assert store.search_articles("'\"*:") == []
    assert store.search_stories("putin meet") == ["s1"]
    store.replace_stories([Story(id="s2", title="Grain exports", articles=["k2"])])
    assert store.search_stories("putin") == [] and store.search_stories("grain") == ["s2"]


def test_without_fts5_everything_but_search_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema, "fts5_available", lambda conn: False)
    with Store(tmp_path / "n.db") as s:
        assert not s.has_search
        assert s.add_articles([art("a", "words")]) == 1
        with pytest.raises(StoreError, match="FTS5"):
            s.search_articles("words")
