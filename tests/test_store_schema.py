"""The file itself: migrations, refusals, read-only access, WAL and concurrent readers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from newsfuse.errors import StoreError
from newsfuse.model import Article, Story
from newsfuse.store import SCHEMA_VERSION, Store, schema


def art(article_id: str, text: str = "some words") -> Article:
    return Article(id=article_id, origin="o", source="s", text=text)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_fresh_file_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "news.db"  # missing folders are created
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        s.add_articles([art("a")])
    first = raw(path).execute("SELECT name, applied_at FROM migrations").fetchall()
    assert [name for name, _ in first] == [name for name, _ in schema.MIGRATIONS]
    with Store(path) as s:  # reopening applies nothing and keeps the data
        assert s.schema_version == SCHEMA_VERSION and s.count_articles() == 1
    assert raw(path).execute("SELECT name, applied_at FROM migrations").fetchall() == first


def test_old_file_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = raw(path)
    conn.execute("BEGIN")
    schema.run_script(conn, str(schema.MIGRATIONS[0][1]))
    conn.execute("INSERT INTO migrations VALUES (?, 'then')", (schema.MIGRATIONS[0][0],))
    conn.execute(
        "INSERT INTO articles (id, origin, source, text, added_at) "
        "VALUES ('old', 'o', 's', 'written before search existed', 'then')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    with pytest.raises(StoreError, match="older"):
        Store(path, readonly=True)
    with Store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.search_articles("search existed") == ["old"]  # index built from old rows


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    raw(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer newsfuse"):
            Store(path, readonly=readonly)


def test_foreign_history_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fork.db"
    Store(path).close()
    raw(path).execute("UPDATE migrations SET name = 'something_else' WHERE rowid = 1")
    with pytest.raises(StoreError, match="schema history"):
        Store(path)


@pytest.mark.parametrize("content", [b"hello, not a database\n", b"x" * 5000])
def test_non_database_file_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    for readonly in (False, True):
        with pytest.raises(StoreError, match=r"notes\.db: not a newsfuse database \("):
            Store(path, readonly=readonly)
    assert path.read_bytes() == content


def test_other_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw(path).execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(StoreError, match="not a newsfuse database"):
        Store(path)
    tables = raw(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("contacts",)]


def test_readonly_store_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    Store(path).close()
    with Store(path, readonly=True) as r:
        with pytest.raises(StoreError, match="read-only"):
            r.add_articles([art("a")])
        with pytest.raises(StoreError, match="read-only"):
            r.replace_stories([])
        # Not only the Store's guard: the connection itself is opened mode=ro.
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            r._conn.execute("DELETE FROM articles")
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "absent.db", readonly=True)
    with pytest.raises(StoreError):
        Store(":memory:", readonly=True)


def test_connection_settings(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Store(path, timeout=2.5) as s:
        pragma = {
            name: s._conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
        assert pragma == {
            "journal_mode": "wal",
            "synchronous": 1,
            "foreign_keys": 1,
            "busy_timeout": 2500,
        }
    assert raw(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # kept in the file
    with Store(":memory:") as m:
        assert m.schema_version == SCHEMA_VERSION
        m.add_articles([art("a")])
        assert m.count_articles() == 1
    with pytest.raises(StoreError):
        m.count_articles()  # closed by the with block


def test_reader_sees_last_commit_while_writer_works(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    writer = Store(path)
    writer.add_articles([art("a"), art("b"), art("c")])
    writer.replace_stories([Story(id="old", title="Old story", articles=["a", "b"])])
    reader = Store(path, readonly=True)
    seen: list[list[str]] = []

    def read_in_thread() -> None:
        seen.append([s.id for s in reader.stories()] + [str(reader.story_of("c"))])

    with writer.transaction():
        writer.replace_stories([Story(id="new", title="New story", articles=["c"])])
        writer.add_articles([art("d")])
        thread = threading.Thread(target=read_in_thread)
        thread.start()
        thread.join()
        assert reader.count_articles() == 3
    assert seen == [["old", "None"]]
    assert [s.id for s in reader.stories()] == ["new"] and reader.count_articles() == 4

    with reader.snapshot():  # a snapshot holds still even across a commit
        before = reader.stories()
        writer.replace_stories([])
        assert reader.stories() == before and reader.story_of("c") == "new"
    assert reader.stories() == []
    reader.close()
    writer.close()


def test_second_writer_waits_then_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with Store(path) as first, Store(path, timeout=0.05) as second:
        with first.transaction():
            first.add_articles([art("a")])
            with pytest.raises(StoreError, match="locked"):
                second.add_articles([art("b")])
        assert second.add_articles([art("b")]) == 1
        assert first.count_articles() == 2


def test_transactions_nest(tmp_path: Path) -> None:
    with Store(tmp_path / "news.db") as s:
        with s.transaction():
            s.add_articles([art("a")])
            with pytest.raises(RuntimeError), s.transaction():
                s.add_articles([art("b")])
                raise RuntimeError("inner step failed")
            s.add_articles([art("c")])
        assert [a.id for a in s.articles()] == ["a", "c"]
        with pytest.raises(RuntimeError), s.transaction():
            s.add_articles([art("d")])
            raise RuntimeError("outer step failed")
        assert s.count_articles() == 2
