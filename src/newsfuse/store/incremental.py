"""Rows that incremental ingest keeps beside the articles: fingerprints, versions, aliases.

Functions take a connection; the Store wraps them in a snapshot or a transaction, so a batch
of ingest writes lands together with its articles and stories or not at all.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsfuse.model import Article, ArticleUpdate
from newsfuse.store.connection import execute_in
from newsfuse.store.rows import article_row, dumps


@dataclass(slots=True)
class IndexRow:
    """What the in-memory dedup/cluster index holds for one article."""

    article_id: str
    day: float | None
    keep_day: float | None
    exact_key: str
    signature: bytes
    meaning: bytes | None = None
    encoder: str | None = None
    duplicate_of: str | None = None  # read from articles; not written by put_index


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "replace")).hexdigest()


def put_index(conn: sqlite3.Connection, rows: Iterable[IndexRow]) -> None:
    conn.executemany(
        "INSERT INTO article_index (article_id, day, keep_day, exact_key, signature, meaning, "
        "encoder) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
        "day = excluded.day, keep_day = excluded.keep_day, exact_key = excluded.exact_key, "
        "signature = excluded.signature, meaning = excluded.meaning, encoder = excluded.encoder",
        [
            (r.article_id, r.day, r.keep_day, r.exact_key, r.signature, r.meaning, r.encoder)
            for r in rows
        ],
    )


def set_meaning(
    conn: sqlite3.Connection, vectors: Iterable[tuple[str, bytes]], encoder: str
) -> None:
    conn.executemany(
        "UPDATE article_index SET meaning = ?, encoder = ? WHERE article_id = ?",
        [(blob, encoder, article_id) for article_id, blob in vectors],
    )


def read_index(conn: sqlite3.Connection, since: float | None) -> Iterator[IndexRow]:
    """Rows whose retention day is `since` or later (all when None); undated rows too."""
    sql = (
        "SELECT i.article_id, i.day, i.keep_day, i.exact_key, i.signature, i.meaning, "
        "i.encoder, a.duplicate_of FROM article_index i JOIN articles a ON a.id = i.article_id"
    )
    params: tuple[Any, ...] = ()
    if since is not None:
        sql += " WHERE i.keep_day IS NULL OR i.keep_day >= ?"
        params = (since,)
    for row in conn.execute(sql + " ORDER BY a.seq", params):
        yield IndexRow(*row)


def read_days(conn: sqlite3.Connection, lo: float, hi: float) -> list[IndexRow]:
    """Rows published between day lo and hi: what a late-arriving report is compared with."""
    sql = (
        "SELECT i.article_id, i.day, i.keep_day, i.exact_key, i.signature, i.meaning, "
        "i.encoder, a.duplicate_of FROM article_index i JOIN articles a ON a.id = i.article_id "
        "WHERE i.keep_day BETWEEN ? AND ? AND i.day IS NOT NULL ORDER BY a.seq"
    )
    return [IndexRow(*row) for row in conn.execute(sql, (lo, hi))]


def newest_keep_day(conn: sqlite3.Connection) -> float | None:
    row = conn.execute("SELECT max(keep_day) FROM article_index").fetchone()
    return None if row[0] is None else float(row[0])


def meanings(conn: sqlite3.Connection, ids: Iterable[str], encoder: str) -> dict[str, bytes]:
    found = execute_in(
        conn,
        "SELECT article_id, meaning FROM article_index WHERE meaning IS NOT NULL "
        f"AND encoder = {_quote(encoder)} AND article_id IN ({{ids}})",
        ids,
    )
    return {row[0]: row[1] for row in found}


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def by_url(conn: sqlite3.Connection, urls: Iterable[str]) -> dict[str, tuple[str, str]]:
    """url -> (article id, current text) of the earliest stored article with that URL."""
    found: dict[str, tuple[str, str]] = {}
    rows = execute_in(
        conn, "SELECT url, id, text FROM articles WHERE url IN ({ids}) ORDER BY seq", urls
    )
    for url, article_id, text in rows:
        found.setdefault(url, (article_id, text))
    return found


def current_texts(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, tuple[str, int]]:
    """article id -> (current text, version number)."""
    rows = execute_in(conn, "SELECT id, text, version FROM articles WHERE id IN ({ids})", ids)
    return {row[0]: (row[1], int(row[2])) for row in rows}


def old_hashes(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, set[str]]:
    """Hashes of the earlier versions of each article: an old file read again is no update."""
    out: dict[str, set[str]] = {}
    rows = execute_in(
        conn, "SELECT article_id, text_hash FROM article_versions WHERE article_id IN ({ids})", ids
    )
    for article_id, digest in rows:
        out.setdefault(article_id, set()).add(digest)
    return out


def replace_article(conn: sqlite3.Connection, article: Article, now: str) -> int:
    """Keep the stored text as a numbered version and store `article` as the next one."""
    old = conn.execute(
        "SELECT version, origin, title, published, text FROM articles WHERE id = ?", (article.id,)
    ).fetchone()
    version = int(old[0])
    conn.execute(
        "INSERT INTO article_versions (article_id, version, origin, title, published, text, "
        "text_hash, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (article.id, version, old[1], old[2], old[3], old[4], text_hash(old[4]), now),
    )
    row = article_row(article)
    conn.execute(
        "UPDATE articles SET origin = ?, source = ?, title = ?, url = ?, published = ?, "
        "language = ?, text = ?, removed = ?, duplicate_of = ?, duplicate_score = ?, meta = ?, "
        "version = ? WHERE id = ?",
        (*row[1:], version + 1, article.id),
    )
    return version + 1


def versions(conn: sqlite3.Connection, article_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT version, origin, title, published, text, replaced_at FROM article_versions "
        "WHERE article_id = ? ORDER BY version",
        (article_id,),
    )
    return [dict(row) for row in rows]


def add_updates(conn: sqlite3.Connection, updates: Iterable[ArticleUpdate]) -> None:
    conn.executemany(
        "INSERT INTO article_updates (article_id, version, data) VALUES (?, ?, ?) "
        "ON CONFLICT (article_id, version) DO UPDATE SET data = excluded.data",
        [(u.article, u.version, dumps(asdict(u))) for u in updates],
    )


def updates_of(conn: sqlite3.Connection, ids: Sequence[str]) -> list[ArticleUpdate]:
    rows = execute_in(
        conn, "SELECT data FROM article_updates WHERE article_id IN ({ids})", list(ids)
    )
    found = [ArticleUpdate(**json.loads(row[0])) for row in rows]
    order = {aid: k for k, aid in enumerate(ids)}
    return sorted(found, key=lambda u: (order.get(u.article, 0), u.version))


def duplicate_group(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """`ids`, their originals, and every copy of those: one dedup group is decided whole."""
    roots = set(ids)
    for row in execute_in(
        conn, "SELECT duplicate_of FROM articles WHERE id IN ({ids}) AND duplicate_of NOT NULL", ids
    ):
        roots.add(row[0])
    group = set(roots)
    for row in execute_in(conn, "SELECT id FROM articles WHERE duplicate_of IN ({ids})", roots):
        group.add(row[0])
    return group


def stories_of(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    rows = execute_in(
        conn, "SELECT article_id, story_id FROM story_articles WHERE article_id IN ({ids})", ids
    )
    return {row[0]: row[1] for row in rows}


def story_members(conn: sqlite3.Connection, story_ids: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    rows = execute_in(
        conn,
        "SELECT story_id, article_id FROM story_articles WHERE story_id IN ({ids}) "
        "ORDER BY story_id, position",
        story_ids,
    )
    for story_id, article_id in rows:
        out.setdefault(story_id, []).append(article_id)
    return out


def add_aliases(
    conn: sqlite3.Connection, aliases: Iterable[tuple[str, str, str]], now: str
) -> None:
    """(old id, new id, reason); an id that is a story again stops being an alias."""
    rows = list(aliases)
    conn.executemany(
        "INSERT INTO story_alias (old_id, new_id, reason, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, reason = excluded.reason, "
        "at = excluded.at",
        [(old, new, reason, now) for old, new, reason in rows],
    )


def taken_ids(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    """Which of `ids` name a story or an alias already (fresh ids must avoid both)."""
    items = list(ids)
    found = {r[0] for r in execute_in(conn, "SELECT id FROM stories WHERE id IN ({ids})", items)}
    aliased = execute_in(conn, "SELECT old_id FROM story_alias WHERE old_id IN ({ids})", items)
    found |= {r[0] for r in aliased}
    return found


def resolve(conn: sqlite3.Connection, story_id: str) -> str | None:
    """The live story an id names, following merge aliases (None if it leads nowhere)."""
    seen: set[str] = set()
    current = story_id
    while current not in seen:
        seen.add(current)
        if conn.execute("SELECT 1 FROM stories WHERE id = ?", (current,)).fetchone():
            return current
        row = conn.execute("SELECT new_id FROM story_alias WHERE old_id = ?", (current,)).fetchone()
        if row is None:
            return None
        current = row[0]
    return None


def unindexed(conn: sqlite3.Connection, limit: int) -> list[str]:
    rows = conn.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_index) "
        "ORDER BY seq LIMIT ?",
        (limit,),
    )
    return [row[0] for row in rows]
