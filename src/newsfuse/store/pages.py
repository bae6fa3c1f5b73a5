"""Reading the store a page at a time, for callers that must not hold everything at once.

Pages are keyed by position (seq for articles, the list order for stories) rather than
OFFSET, so reading a million rows page by page costs one index walk, not a quadratic scan.
Functions take a connection inside a snapshot (Store.read_with).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from newsfuse.model import Article, Story
from newsfuse.store import stories
from newsfuse.store.connection import execute_in
from newsfuse.store.rows import ARTICLE_COLUMNS, article_from_row

Link = tuple[str, str | None, float | None]  # id, duplicate_of, duplicate_score
StoryKey = tuple[str | None, str]  # last_seen, id: where the previous page ended


def last_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])


def articles_after(
    conn: sqlite3.Connection, seq: int, limit: int, upto: int | None = None
) -> list[tuple[int, Article]]:
    """(seq, article) of the next `limit` articles after `seq` in insertion order."""
    bound = "" if upto is None else f" AND seq <= {int(upto)}"
    rows = conn.execute(
        f"SELECT seq, {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE seq > ?{bound} "
        "ORDER BY seq LIMIT ?",
        (seq, limit),
    )
    return [(int(row["seq"]), article_from_row(row)) for row in rows]


def links_after(conn: sqlite3.Connection, seq: int, limit: int) -> list[tuple[int, Link]]:
    """(seq, duplicate link) of the next articles: what dedup compares without the texts."""
    rows = conn.execute(
        "SELECT seq, id, duplicate_of, duplicate_score FROM articles WHERE seq > ? "
        "ORDER BY seq LIMIT ?",
        (seq, limit),
    )
    return [(int(r[0]), (r[1], r[2], r[3])) for r in rows]


def owners(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """id -> (seq, origin) for the stored ones: who already holds an id, and since when."""
    rows = execute_in(conn, "SELECT id, seq, origin FROM articles WHERE id IN ({ids})", ids)
    return {r[0]: (int(r[1]), r[2]) for r in rows}


def stories_after(conn: sqlite3.Connection, key: StoryKey | None, limit: int) -> list[Story]:
    """The next stories in Store.stories() order (last_seen descending, undated last, id)."""
    order = "ORDER BY last_seen DESC, id LIMIT ?"
    if key is None:
        return stories.read(conn, order, (limit,))
    last_seen, story_id = key
    if last_seen is None:
        return stories.read(conn, f"WHERE last_seen IS NULL AND id > ? {order}", (story_id, limit))
    return stories.read(
        conn,
        "WHERE (last_seen < ? OR (last_seen = ? AND id > ?) OR last_seen IS NULL) " + order,
        (last_seen, last_seen, story_id, limit),
    )
