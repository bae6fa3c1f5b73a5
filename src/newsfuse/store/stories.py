"""Writing and reading stories with their memberships and summaries.

Functions take a connection that is already inside a transaction (the Store opens it), so a
story is never visible without its members, nor a new set of stories mixed with the old one.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from newsfuse.errors import StoreError
from newsfuse.model import Story, analysis_from_dict, analysis_to_dict
from newsfuse.store.connection import execute_in
from newsfuse.store.rows import (
    MEMBER_COLUMNS,
    STORY_COLUMNS,
    SUMMARY_COLUMNS,
    dumps,
    member_rows,
    story_from_rows,
    story_row,
    summary_rows,
)


def _article_sets(conn: sqlite3.Connection, story_ids: list[str]) -> dict[str, set[str]]:
    sets: dict[str, set[str]] = defaultdict(set)
    for row in execute_in(
        conn, "SELECT story_id, article_id FROM story_articles WHERE story_id IN ({ids})", story_ids
    ):
        sets[row[0]].add(row[1])
    return sets


def _explain(conn: sqlite3.Connection, story_id: str, article_id: str, e: Exception) -> str:
    if "FOREIGN KEY" in str(e):
        return f"story {story_id}: article {article_id!r} is not in the database"
    owner = conn.execute(
        "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
    ).fetchone()
    if owner is not None:
        return (
            f"story {story_id}: article {article_id!r} already belongs to story {owner[0]!r}; "
            "update or remove that story in the same call"
        )
    return f"story {story_id}: {e}"


def write(
    conn: sqlite3.Connection, stories: Sequence[Story], removed_ids: Iterable[str], now: str
) -> None:
    """Upsert `stories` and delete `removed_ids`; the caller holds the transaction.

    Analysis results survive an update only while the story keeps exactly the same articles:
    anything derived from a different set of reports would be silently stale.
    """
    ids = [s.id for s in stories]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise StoreError(f"stories given twice in one call: {twice}")
    prepared = [(s, story_row(s), member_rows(s), summary_rows(s)) for s in stories]
    keep = set(ids)
    removed = [i for i in removed_ids if i not in keep]
    list(execute_in(conn, "DELETE FROM stories WHERE id IN ({ids})", removed))
    before = _article_sets(conn, ids)
    list(execute_in(conn, "DELETE FROM story_articles WHERE story_id IN ({ids})", ids))
    list(execute_in(conn, "DELETE FROM story_summary WHERE story_id IN ({ids})", ids))
    for item in prepared:
        _insert(conn, item, before.get(item[0].id), now)


Prepared = tuple[Story, tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _insert(conn: sqlite3.Connection, item: Prepared, before: set[str] | None, now: str) -> None:
    """One story whose old members and summary are gone; `before`: its old article set."""
    story, row, members, summary = item
    conn.execute(
        "INSERT INTO stories (id, title, first_seen, last_seen, sources, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET title = excluded.title, "
        "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
        "sources = excluded.sources, updated_at = excluded.updated_at",
        (*row, now),
    )
    for member in members:
        try:
            conn.execute(
                f"INSERT INTO story_articles ({', '.join(MEMBER_COLUMNS)}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                member,
            )
        except sqlite3.IntegrityError as e:
            raise StoreError(_explain(conn, story.id, member[1], e)) from e
    conn.executemany(
        f"INSERT INTO story_summary ({', '.join(SUMMARY_COLUMNS)}) VALUES (?, ?, ?, ?)",
        summary,
    )
    if story.analysis is not None:
        conn.execute(
            "INSERT INTO story_analysis (story_id, data, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (story_id) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            (story.id, dumps(analysis_to_dict(story.analysis)), now),
        )
    elif before is not None and before != set(story.articles):
        conn.execute("DELETE FROM story_analysis WHERE story_id = ?", (story.id,))


def replace_all(conn: sqlite3.Connection, stories: Sequence[Story], now: str) -> None:
    existing = [row[0] for row in conn.execute("SELECT id FROM stories")]
    write(conn, stories, existing, now)


# -- replace_all in parts: the whole new set is named first, then written a batch at a time --


def swap_begin(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    """What write(all new, removed=the rest) does before its first insert, with the old
    members kept aside in a temporary table instead of memory; the caller holds the
    transaction until swap_end."""
    conn.execute("CREATE TEMP TABLE swap_ids (id TEXT PRIMARY KEY) WITHOUT ROWID")
    try:
        conn.executemany("INSERT INTO temp.swap_ids (id) VALUES (?)", ((i,) for i in ids))
    except sqlite3.IntegrityError as e:
        raise StoreError(f"stories given twice in one replacement: {e}") from e
    conn.execute("DELETE FROM stories WHERE id NOT IN (SELECT id FROM temp.swap_ids)")
    conn.execute("CREATE TEMP TABLE swap_before AS SELECT story_id, article_id FROM story_articles")
    conn.execute("CREATE INDEX temp.swap_before_story ON swap_before (story_id)")
    conn.execute("DELETE FROM story_articles")
    conn.execute("DELETE FROM story_summary")


def swap_put(conn: sqlite3.Connection, stories: Sequence[Story], now: str) -> None:
    """The next stories of the set named in swap_begin, in its order."""
    for story in stories:
        if conn.execute("DELETE FROM temp.swap_ids WHERE id = ?", (story.id,)).rowcount == 0:
            raise StoreError(f"story {story.id}: not named when the replacement began, or twice")
        before = None
        if story.analysis is None:
            rows = conn.execute(
                "SELECT article_id FROM temp.swap_before WHERE story_id = ?", (story.id,)
            )
            before = {r[0] for r in rows} or None
        item = (story, story_row(story), member_rows(story), summary_rows(story))
        _insert(conn, item, before, now)


def swap_end(conn: sqlite3.Connection) -> None:
    """Named stories never written are removed; the temporary tables go."""
    conn.execute("DELETE FROM stories WHERE id IN (SELECT id FROM temp.swap_ids)")
    conn.execute("DROP TABLE temp.swap_ids")
    conn.execute("DROP TABLE temp.swap_before")


def read(conn: sqlite3.Connection, tail: str = "", params: Sequence[Any] = ()) -> list[Story]:
    """Stories selected by a SQL tail (WHERE/ORDER/LIMIT), each with members and summary.

    Members and summaries are fetched with the same tail as a subquery, so the three reads
    agree without passing id lists around; the caller holds a snapshot.
    """
    chosen = f"SELECT id FROM stories {tail}"
    stories = conn.execute(f"SELECT {', '.join(STORY_COLUMNS)} FROM stories {tail}", params)
    rows = stories.fetchall()
    members: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in conn.execute(
        f"SELECT {', '.join(MEMBER_COLUMNS)} FROM story_articles WHERE story_id IN ({chosen}) "
        "ORDER BY story_id, position",
        params,
    ):
        members[row["story_id"]].append(row)
    summaries: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for row in conn.execute(
        f"SELECT {', '.join(SUMMARY_COLUMNS)} FROM story_summary WHERE story_id IN ({chosen}) "
        "ORDER BY story_id, position",
        params,
    ):
        summaries[row["story_id"]].append(row)
    analyses = {
        row[0]: row[1]
        for row in conn.execute(
            f"SELECT story_id, data FROM story_analysis WHERE story_id IN ({chosen})", params
        )
    }
    found = [story_from_rows(row, members[row["id"]], summaries[row["id"]]) for row in rows]
    for story in found:
        if story.id in analyses:
            story.analysis = analysis_from_dict(json.loads(analyses[story.id]))
    return found
