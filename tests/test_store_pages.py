"""Reading the store a page at a time, replacing stories in parts, and report views."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from newsfuse.errors import StoreError
from newsfuse.model import Analysis, Article, Membership, Story, SummarySentence
from newsfuse.store import Store, pages, views


def art(article_id: str) -> Article:
    return Article(id=article_id, origin=f"{article_id}.txt", source="example.org", text=article_id)


def story(story_id: str, articles: list[str], last_seen: str | None, tag: str = "") -> Story:
    return Story(
        id=story_id,
        title=f"Story {story_id} {tag}",
        articles=articles,
        last_seen=last_seen,
        members=[Membership(article=a, similarity=0.5, reason="same words") for a in articles],
        summary=[SummarySentence(text=f"About {story_id} {tag}.", citations=articles[:1])],
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "news.db")
    s.add_articles(art(f"a{i:02d}") for i in range(12))
    return s


def dump(db: str) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "stories": "SELECT seq, id, title, first_seen, last_seen, sources FROM stories",
        "members": "SELECT * FROM story_articles",
        "summary": "SELECT * FROM story_summary",
        "analysis": "SELECT story_id, data FROM story_analysis",
    }
    with sqlite3.connect(db) as conn:
        return {k: sorted(conn.execute(q).fetchall(), key=repr) for k, q in queries.items()}


def test_pages_walk_everything_once_in_order(store: Store) -> None:
    seen, seq = [], 0
    while page := store.read_with(pages.articles_after, seq, 5):
        seq = page[-1][0]
        seen += [a.id for _, a in page]
    assert seen == [f"a{i:02d}" for i in range(12)]
    assert len(store.read_with(pages.articles_after, 0, 100, 3)) == 3  # up to seq 3
    store.update_duplicates([("a05", "a01", 0.9)])
    links = [link for _, link in store.read_with(pages.links_after, 4, 2)]
    assert links == [("a04", None, None), ("a05", "a01", 0.9)]
    owners = store.read_with(pages.owners, ["a03", "nope"])
    assert owners == {"a03": (4, "a03.txt")}
    assert store.read_with(pages.last_seq) == 12


def test_stories_pages_follow_the_store_order(store: Store) -> None:
    days = [None, "2024-01-02", "2024-01-02", "2024-01-05", None, "2023-12-30", "2024-01-02"]
    store.replace_stories([story(f"s{k}", [f"a{k:02d}"], d) for k, d in enumerate(days)])
    walked, key = [], None
    while page := store.read_with(pages.stories_after, key, 2):
        key = (page[-1].last_seen, page[-1].id)
        walked += [s.id for s in page]
    assert walked == [s.id for s in store.stories()] and len(walked) == len(days)


def test_a_swap_in_parts_writes_what_replace_stories_writes(tmp_path: Path) -> None:
    """Same rows (seq included) and the same analysis kept or dropped: analysis survives
    only where a story keeps its articles and gets none of its own."""
    old = [story("s1", ["a00", "a01"], "2024-01-01"), story("s2", ["a02"], None)]
    old += [story("s3", ["a03"], "2024-01-03")]
    for s in old:
        s.analysis = Analysis(story_dates=[s.id])
    new = [
        story("s1", ["a00", "a01"], "2024-01-01", "again"),  # same articles: analysis kept
        story("s2", ["a02", "a04"], None, "grown"),  # other articles: analysis dropped
        story("s5", ["a03"], "2024-01-03"),  # new id, s3 removed
        story("s6", ["a05"], "2024-01-06"),
    ]
    new[3].analysis = Analysis(story_dates=["fresh"])
    dbs = []
    for name in ("whole", "parts"):
        with Store(tmp_path / f"{name}.db") as s:
            s.add_articles(art(f"a{i:02d}") for i in range(6))
            s.replace_stories(old)
            if name == "whole":
                s.replace_stories(new)
            else:
                with s.story_swap([x.id for x in new]) as put:
                    put(new[:1])
                    put(new[1:3])
                    put(new[3:])
        dbs.append(dump(str(tmp_path / f"{name}.db")))
    assert dbs[0] == dbs[1]
    kept = {row[0] for row in dbs[1]["analysis"]}
    assert kept == {"s1", "s6"}


def test_a_swap_is_one_transaction(store: Store) -> None:
    store.replace_stories([story("s1", ["a00"], None)])
    before = dump(store.path)
    with pytest.raises(StoreError, match="not-stored"), store.story_swap(["s2", "s3"]) as put:
        put([story("s2", ["a01"], None)])
        put([story("s3", ["not-stored"], None)])
    assert dump(store.path) == before
    with pytest.raises(StoreError, match="not named"), store.story_swap(["s4"]) as put:
        put([story("s9", ["a01"], None)])
    with pytest.raises(StoreError, match="twice"), store.story_swap(["s4", "s4"]):
        pass
    assert dump(store.path) == before


def test_report_views_read_the_file(store: Store, tmp_path: Path) -> None:
    store.replace_stories([story(f"s{k}", [f"a{k:02d}"], f"2024-01-{k + 1:02d}") for k in range(5)])
    articles, stories = views.report_views(store)
    store.add_articles([art("later")])  # after the run: not part of its report
    assert len(articles) == 12 and [a.id for a in articles] == [f"a{i:02d}" for i in range(12)]
    assert articles[0].id == "a00" and articles[-1].id == "a11" and articles[5].id == "a05"
    assert [a.id for a in articles[2:4]] == ["a02", "a03"]
    with pytest.raises(IndexError):
        articles[12]
    assert [s.id for s in stories] == [s.id for s in store.stories()]
    assert stories[0].id == "s4" and stories[-1].id == "s0" and len(stories) == 5
    with Store(":memory:") as memory:
        memory.add_articles([art("m")])
        listed, _ = views.report_views(memory)
        assert isinstance(listed, list) and listed[0].id == "m"
