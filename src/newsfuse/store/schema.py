"""The database schema as an ordered list of named migrations.

A file remembers how many migrations it has seen (PRAGMA user_version, mirrored in the
`migrations` table for humans), so opening an old file upgrades it in place and opening a file
from a newer newsfuse is refused before anything could misread or damage it. Migrations are
append-only: never edit one that has shipped, add the next.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from newsfuse.errors import StoreError

APPLICATION_ID = 0x4E465553  # "NFUS" in the file header marks a database as ours

Step = str | Callable[[sqlite3.Connection], None]

INITIAL = f"""
PRAGMA application_id = {APPLICATION_ID};
CREATE TABLE migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,  -- insertion order; also the rowid the search index points at
    id TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    url TEXT,
    published TEXT,
    language TEXT,
    text TEXT NOT NULL,
    removed TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(removed)),
    duplicate_of TEXT,  -- no foreign key: dedup may name an original from any batch
    duplicate_score REAL,
    meta TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(meta)),
    added_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE TABLE stories (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    sources TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources)),
    updated_at TEXT NOT NULL
);
CREATE INDEX stories_last_seen ON stories (last_seen DESC, id);
CREATE TABLE story_articles (
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id),
    position INTEGER NOT NULL,  -- index in Story.articles
    member_position INTEGER,  -- index in Story.members; NULL when no evidence was recorded
    similarity REAL,
    shared_entities TEXT CHECK (shared_entities IS NULL OR json_valid(shared_entities)),
    date_gap_days INTEGER,
    reason TEXT,
    PRIMARY KEY (story_id, position)
);
-- One story per article: this is what makes story_of() a single answer (and fast).
CREATE UNIQUE INDEX story_articles_article ON story_articles (article_id);
CREATE TABLE story_summary (
    story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(citations)),
    PRIMARY KEY (story_id, position)
);
CREATE TABLE story_analysis (
    story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    data TEXT NOT NULL CHECK (json_valid(data)),
    updated_at TEXT NOT NULL
);
CREATE TABLE runs (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inputs TEXT NOT NULL CHECK (json_valid(inputs)),
    settings TEXT NOT NULL CHECK (json_valid(settings)),
    stats TEXT CHECK (stats IS NULL OR json_valid(stats)),
    articles_total INTEGER,
    stories_total INTEGER,
    problems_total INTEGER
);
CREATE TABLE problems (
    seq INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    location TEXT NOT NULL,
    message TEXT NOT NULL,
    stage TEXT NOT NULL
);
CREATE INDEX problems_run ON problems (run_id);
"""

# External-content FTS5 tables: the text lives once (in articles/stories), the index follows it
# through triggers, so search can never disagree with what the store returns.
SEARCH = """
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title, content='stories', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
    INSERT INTO stories_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title) VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER stories_fts_update AFTER UPDATE OF title ON stories BEGIN
    INSERT INTO stories_fts (stories_fts, rowid, title) VALUES ('delete', old.seq, old.title);
    INSERT INTO stories_fts (rowid, title) VALUES (new.seq, new.title);
END;
INSERT INTO stories_fts (stories_fts) VALUES ('rebuild');
"""


# Incremental ingest (docs/INCREMENTAL.md): what dedup and online clustering need to reload their
# index without re-reading texts, earlier versions of updated articles, and where the ids of
# merged stories now lead.
INCREMENTAL = """
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX articles_url ON articles (url) WHERE url IS NOT NULL;
CREATE TABLE article_index (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    day REAL,  -- proleptic ordinal of the publication day; NULL when undated
    keep_day REAL,  -- the day retention counts from (the index's newest day for undated rows)
    exact_key TEXT NOT NULL,
    signature BLOB NOT NULL,  -- MinHash, uint32 little-endian, settings.minhash_permutations
    meaning BLOB,  -- raw sentence embedding (float32) of the cluster text; NULL until needed
    encoder TEXT
);
CREATE INDEX article_index_keep_day ON article_index (keep_day);
CREATE INDEX article_index_exact_key ON article_index (exact_key);
CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    origin TEXT NOT NULL,
    title TEXT,
    published TEXT,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);
CREATE INDEX article_versions_hash ON article_versions (text_hash);
CREATE TABLE article_updates (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data)),
    PRIMARY KEY (article_id, version)
);
CREATE TABLE story_alias (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL,
    reason TEXT NOT NULL,  -- merged | split
    at TEXT NOT NULL
);
"""


def fts5_available(conn: sqlite3.Connection) -> bool:
    """Whether this sqlite3 build has FTS5 (some distributions leave it out)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.newsfuse_fts5_probe USING fts5 (x)")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.newsfuse_fts5_probe")
    return True


def _create_search(conn: sqlite3.Connection) -> None:
    # Without FTS5 the store still works; only search is missing (Store.has_search says so).
    if fts5_available(conn):
        run_script(conn, SEARCH)


MIGRATIONS: list[tuple[str, Step]] = [
    ("0001_initial", INITIAL),
    ("0002_search", _create_search),
    ("0003_incremental", INCREMENTAL),
]
SCHEMA_VERSION = len(MIGRATIONS)


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one: executescript() would COMMIT the surrounding transaction."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement: {buffer.strip()[:80]}")


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _check(conn: sqlite3.Connection, current: int, where: str) -> None:
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"{where}: written by a newer newsfuse (schema version {current}, this version "
            f"knows up to {SCHEMA_VERSION}); upgrade newsfuse to open it"
        )
    if current == 0:
        return
    applied = [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]
    expected = [name for name, _ in MIGRATIONS[:current]]
    if applied != expected:
        raise StoreError(
            f"{where}: schema history {applied} does not match this newsfuse's {expected}"
        )


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Apply the missing migrations, each in its own IMMEDIATE transaction; returns the version.

    The version is re-read under the write lock, so two processes opening the same new file
    at once cannot apply a migration twice.
    """
    _check(conn, version(conn), where)
    while version(conn) < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = version(conn)
            _check(conn, current, where)
            if current < SCHEMA_VERSION:
                name, step = MIGRATIONS[current]
                if isinstance(step, str):
                    run_script(conn, step)
                else:
                    step(conn)
                conn.execute(
                    "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat()),
                )
                conn.execute(f"PRAGMA user_version = {current + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version(conn)


def require_current(conn: sqlite3.Connection, where: str) -> int:
    """For read-only connections, which cannot migrate: the file must already be current."""
    current = version(conn)
    _check(conn, current, where)
    if current == 0:
        raise StoreError(f"{where}: not a newsfuse database (no schema yet)")
    if current < SCHEMA_VERSION:
        raise StoreError(
            f"{where}: schema version {current} is older than {SCHEMA_VERSION}; "
            "open it once for writing (e.g. run an ingest) to upgrade it"
        )
    return current


def has_search(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    return row is not None
