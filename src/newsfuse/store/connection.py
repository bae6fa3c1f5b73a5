"""Opening SQLite connections the way newsfuse needs them.

One writer and any number of readers share a file: WAL lets readers keep a consistent snapshot
while an ingest writes, and read-only connections (URI mode=ro) make it impossible for the web
server to change anything by mistake. Transactions are always explicit (isolation_level=None),
because the sqlite3 module's implicit ones commit at surprising moments.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from newsfuse.errors import StoreError
from newsfuse.store.schema import APPLICATION_ID

MEMORY = ":memory:"
_CHUNK = 500  # parameters per statement; SQLite allows at least 999


def store_error(where: str, error: sqlite3.Error) -> StoreError:
    """One readable message per sqlite failure, naming the file."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return StoreError(f"{where}: database is locked by another writer ({text}); try again")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{where}: database is read-only ({text})")
    return StoreError(f"{where}: {text}")


def _identify(conn: sqlite3.Connection, where: str) -> None:
    """Refuse files that are not ours before writing a single byte to them."""
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{where}: not a newsfuse database ({e})") from e
    if app_id == APPLICATION_ID:
        return
    if app_id != 0:
        raise StoreError(f"{where}: not a newsfuse database (application id {app_id:#x})")
    if objects:
        raise StoreError(f"{where}: not a newsfuse database (it holds other tables)")


def connect(path: str, *, readonly: bool, timeout: float) -> sqlite3.Connection:
    """A configured connection: foreign keys on, busy timeout, and WAL for the writer."""
    if path == MEMORY:
        if readonly:
            raise StoreError(f"{path}: a read-only in-memory database would always be empty")
        target: str | Path = MEMORY
        uri = False
    elif readonly:
        file = Path(path)
        if not file.is_file():
            raise StoreError(f"{path}: no such database file")
        target, uri = file.resolve().as_uri() + "?mode=ro", True
    else:
        file = Path(path)
        if file.is_dir():
            raise StoreError(f"{path}: is a directory, not a database file")
        file.parent.mkdir(parents=True, exist_ok=True)
        target, uri = file, False
    try:
        # check_same_thread=False: the Store serialises its own use with a lock, so a web
        # server may share one read Store between worker threads.
        conn = sqlite3.connect(
            target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
        )
    except sqlite3.Error as e:
        raise store_error(path, e) from e
    try:
        _identify(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")  # stays "memory" for :memory:
            conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster than FULL
    except sqlite3.Error as e:
        conn.close()
        raise store_error(path, e) from e
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    return conn


def execute_in(conn: sqlite3.Connection, sql: str, values: Iterable[Any]) -> Iterator[Any]:
    """Run `sql` with `{ids}` bound to `values`, chunked under SQLite's parameter limit.

    Plain placeholders rather than json_each(): SQLite's JSON decoder cuts strings at NUL, so
    an id holding "\\x00" would silently never match.
    """
    items = list(values)
    for start in range(0, len(items), _CHUNK):
        chunk = items[start : start + _CHUNK]
        yield from conn.execute(sql.format(ids=", ".join("?" * len(chunk))), chunk)
