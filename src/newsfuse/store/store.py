"""The Store: one SQLite file holding everything newsfuse knows.

Open one writable Store per process that ingests, and read-only Stores (readonly=True) wherever
data is only shown; in WAL mode readers keep seeing the last committed state while a writer
works. Every write method is one transaction, and `transaction()` / `snapshot()` group several
calls when a caller needs them to succeed or be seen together.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from newsfuse.errors import NotFoundError, StoreError
from newsfuse.model import Article, Problem, StageStat, Story
from newsfuse.store import incremental, runs, schema, stories
from newsfuse.store.connection import connect, execute_in, store_error
from newsfuse.store.rows import ARTICLE_COLUMNS, article_from_row, article_row, dumps

T = TypeVar("T")
_SELECT_ARTICLES = f"SELECT seq, {', '.join(ARTICLE_COLUMNS)} FROM articles"
_STORY_ORDER = "ORDER BY last_seen DESC, id"  # SQLite sorts NULL lowest: undated stories last


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _match(query: str) -> str:
    """Plain words to an FTS5 query that cannot be a syntax error ("Kim-Putin" included)."""
    return " ".join(f'"{term}"' for term in re.findall(r"\w+", query))


class Store:
    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 5.0) -> None:
        self.path = str(path)
        self.readonly = readonly
        self.timeout = timeout  # how long a writer waits for another (busy timeout)
        self._lock = threading.RLock()
        self._savepoints = 0
        self._closed = False
        self._conn = connect(self.path, readonly=readonly, timeout=timeout)
        try:
            if readonly:
                schema.require_current(self._conn, self.path)
            else:
                schema.migrate(self._conn, self.path)
            self.has_search = schema.has_search(self._conn)
        except sqlite3.Error as e:
            self._conn.close()
            raise store_error(self.path, e) from e
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r}, readonly={self.readonly})"

    @property
    def schema_version(self) -> int:
        with self.snapshot():
            return schema.version(self._conn)

    def _require_open(self) -> None:
        if self._closed:
            raise StoreError(f"{self.path}: store is closed")

    # -- transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all; nests through savepoints.

        BEGIN IMMEDIATE takes the write lock up front, so a second writer waits (busy
        timeout) instead of failing halfway through with a deadlock.
        """
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; cannot write")
        with self._lock:
            self._require_open()
            if self._conn.in_transaction:
                self._savepoints += 1
                name = f"newsfuse_{self._savepoints}"
                begin, commit = f"SAVEPOINT {name}", f"RELEASE {name}"
                rollback = f"ROLLBACK TO {name}; RELEASE {name}"
            else:
                begin, commit, rollback = "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"
            try:
                self._conn.execute(begin)
            except sqlite3.Error as e:
                raise store_error(self.path, e) from e
            try:
                yield
            except BaseException as e:
                if self._conn.in_transaction:  # some errors (disk full) already rolled back
                    for statement in rollback.split("; "):
                        self._conn.execute(statement)
                if isinstance(e, sqlite3.Error):
                    raise store_error(self.path, e) from e
                raise
            else:
                try:
                    self._conn.execute(commit)
                except sqlite3.Error as e:
                    if self._conn.in_transaction:  # never leave a failed commit open
                        for statement in rollback.split("; "):
                            self._conn.execute(statement)
                    raise store_error(self.path, e) from e
            finally:
                if begin.startswith("SAVEPOINT"):
                    self._savepoints -= 1

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one committed state, whatever writers do meanwhile (WAL)."""
        with self._lock:
            self._require_open()
            if self._conn.in_transaction:
                yield
                return
            try:
                self._conn.execute("BEGIN")
                try:
                    yield
                finally:
                    if self._conn.in_transaction:
                        self._conn.execute("COMMIT")
            except sqlite3.Error as e:
                raise store_error(self.path, e) from e

    # -- articles ----------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self.snapshot():
            row = self._conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
            return row.fetchone() is not None

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        """Which of `ids` are stored: lets an ingest skip work for what it already has."""
        with self.snapshot():
            rows = execute_in(self._conn, "SELECT id FROM articles WHERE id IN ({ids})", ids)
            return {row[0] for row in rows}

    def add_articles(self, articles: Iterable[Article]) -> int:
        """Insert the articles not stored yet; stored ones are left as they are."""
        # Rows are built before the write lock is taken, so slow input never blocks others.
        rows = [(a.id, article_row(a)) for a in articles]
        sql = (
            f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}, added_at) "
            f"VALUES ({', '.join('?' * (len(ARTICLE_COLUMNS) + 1))}) ON CONFLICT (id) DO NOTHING"
        )
        added = 0
        now = _now()
        with self.transaction():
            for article_id, row in rows:
                try:
                    added += self._conn.execute(sql, (*row, now)).rowcount
                except (sqlite3.Error, UnicodeEncodeError) as e:
                    raise StoreError(f"{self.path}: article {article_id!r}: {e}") from e
        return added

    def update_duplicates(self, pairs: Iterable[tuple[str, str | None, float | None]]) -> None:
        """Record (article_id, duplicate_of, score); raises NotFoundError for unknown ids."""
        with self.transaction():
            for article_id, duplicate_of, score in pairs:
                cursor = self._conn.execute(
                    "UPDATE articles SET duplicate_of = ?, duplicate_score = ? WHERE id = ?",
                    (duplicate_of, score, article_id),
                )
                if cursor.rowcount == 0:
                    raise NotFoundError(f"no article {article_id!r}")

    def update_dates(self, articles: Iterable[Article]) -> None:
        """Store the publication dates the story stage chose (analysis/readings.py), with the
        meta that keeps both readings and says why; raises NotFoundError for unknown ids."""
        rows = [(a.published, dumps(a.meta), a.id) for a in articles]
        with self.transaction():
            for row in rows:
                cursor = self._conn.execute(
                    "UPDATE articles SET published = ?, meta = ? WHERE id = ?", row
                )
                if cursor.rowcount == 0:
                    raise NotFoundError(f"no article {row[2]!r}")

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """All articles, or those of `ids` that exist, in insertion order."""
        with self.snapshot():
            if ids is None:
                rows = self._conn.execute(f"{_SELECT_ARTICLES} ORDER BY seq")
                return [article_from_row(row) for row in rows]
            found = execute_in(self._conn, f"{_SELECT_ARTICLES} WHERE id IN ({{ids}})", ids)
            return [article_from_row(row) for row in sorted(found, key=lambda row: row["seq"])]

    def article(self, article_id: str) -> Article:
        with self.snapshot():
            row = self._conn.execute(f"{_SELECT_ARTICLES} WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r}")
        return article_from_row(row)

    def count_articles(self) -> int:
        with self.snapshot():
            return int(self._conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def count_unclustered(self) -> int:
        """Articles no story holds: what a run that stopped after storing them leaves."""
        with self.snapshot():
            row = self._conn.execute(
                "SELECT count(*) FROM articles WHERE NOT EXISTS "
                "(SELECT 1 FROM story_articles WHERE article_id = articles.id)"
            ).fetchone()
            return int(row[0])

    # -- stories -----------------------------------------------------------------------------

    def replace_stories(self, new: list[Story]) -> None:
        """Swap the whole set of stories in one transaction: readers see old or new, never
        a mix."""
        with self.transaction():
            stories.replace_all(self._conn, new, _now())

    @contextmanager
    def story_swap(self, story_ids: Iterable[str]) -> Iterator[Callable[[Sequence[Story]], None]]:
        """replace_stories for a set too large to hold finished: name every new story's id
        first, then hand over the finished stories in that order, a batch at a time, through
        the function this yields. One transaction: readers see the old set or the new one."""
        with self.transaction():
            stories.swap_begin(self._conn, story_ids)
            now = _now()
            yield lambda batch: stories.swap_put(self._conn, batch, now)
            stories.swap_end(self._conn)

    def upsert_stories(self, changed: list[Story], removed_ids: Iterable[str] = ()) -> None:
        """Replace the given stories (by id) and delete `removed_ids`, leaving others alone."""
        with self.transaction():
            stories.write(self._conn, changed, list(removed_ids), _now())

    def stories(self, *, limit: int | None = None, offset: int = 0) -> list[Story]:
        """Most recent first (last_seen descending, then id)."""
        with self.snapshot():
            return stories.read(
                self._conn,
                f"{_STORY_ORDER} LIMIT ? OFFSET ?",
                (-1 if limit is None else limit, offset),
            )

    def story(self, story_id: str) -> Story:
        with self.snapshot():
            found = stories.read(self._conn, "WHERE id = ?", (story_id,))
        if not found:
            raise NotFoundError(f"no story {story_id!r}")
        return found[0]

    def story_of(self, article_id: str) -> str | None:
        with self.snapshot():
            row = self._conn.execute(
                "SELECT story_id FROM story_articles WHERE article_id = ?", (article_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def count_stories(self) -> int:
        with self.snapshot():
            return int(self._conn.execute("SELECT count(*) FROM stories").fetchone()[0])

    def set_analysis(self, story_id: str, data: dict[str, Any]) -> None:
        with self.transaction():
            runs.set_analysis(self._conn, story_id, data, _now())

    def analysis(self, story_id: str) -> dict[str, Any] | None:
        with self.snapshot():
            return runs.analysis(self._conn, story_id)

    # -- runs and problems -------------------------------------------------------------------

    def start_run(self, inputs: list[str], settings: dict[str, Any]) -> str:
        with self.transaction():
            return runs.start(self._conn, inputs, settings, _now())

    def finish_run(self, run_id: str, stats: list[StageStat]) -> None:
        with self.transaction():
            runs.finish(self._conn, run_id, stats, _now())

    def add_problems(self, run_id: str, problems: list[Problem]) -> None:
        with self.transaction():
            runs.add_problems(self._conn, run_id, problems)

    def problems(self, run_id: str | None = None) -> list[Problem]:
        with self.snapshot():
            return runs.problems(self._conn, run_id)

    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self.snapshot():
            return runs.history(self._conn, limit)

    # -- search ------------------------------------------------------------------------------

    def _search(self, table: str, owner: str, query: str, limit: int) -> list[str]:
        if not self.has_search:
            raise StoreError(f"{self.path}: search needs SQLite FTS5, which this build lacks")
        match = _match(query)
        if not match:
            return []
        with self.snapshot():
            rows = self._conn.execute(
                f"SELECT {owner}.id FROM {table} JOIN {owner} ON {owner}.seq = {table}.rowid "
                f"WHERE {table} MATCH ? ORDER BY bm25({table}) LIMIT ?",
                (match, limit),
            )
            return [row[0] for row in rows]

    def search_articles(self, query: str, limit: int = 20) -> list[str]:
        """Ids of articles whose title or text has every word of `query`, best match first."""
        return self._search("articles_fts", "articles", query, limit)

    def search_stories(self, query: str, limit: int = 20) -> list[str]:
        """Ids of stories whose title has every word of `query`, best match first."""
        return self._search("stories_fts", "stories", query, limit)

    # -- incremental ingest (store/incremental.py) --------------------------------------------

    def read_with(self, fn: Callable[..., T], *args: Any) -> T:
        """Run one of store/incremental.py's readers inside a snapshot."""
        with self.snapshot():
            return fn(self._conn, *args)

    def write_with(self, fn: Callable[..., T], *args: Any) -> T:
        """Run one of store/incremental.py's writers inside a transaction (nests)."""
        with self.transaction():
            return fn(self._conn, *args)

    def resolve_story(self, story_id: str) -> str:
        """The live id of a story, following the aliases merges and splits left behind."""
        found = self.read_with(incremental.resolve, story_id)
        if found is None:
            raise NotFoundError(f"no story {story_id!r}")
        return found

    def versions(self, article_id: str) -> list[dict[str, Any]]:
        """Earlier versions of an article (the current one is `article()`), oldest first."""
        return self.read_with(incremental.versions, article_id)

    def now(self) -> str:
        return _now()
