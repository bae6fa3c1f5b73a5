"""Read access for a long-running process such as the web server.

`newsfuse.run` and friends open the database per call, which is right for a command but too
slow for a server answering many requests a second: a Library keeps one read-only Store open
and an index of every story (cards, sources, which story holds which article) that is rebuilt
only when the database file changes, so listing and filtering never scan the database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from newsfuse.cards import ArticleRecord, Found, Head, StoryCard, StoryPage, card, day
from newsfuse.errors import InputError, NotFoundError
from newsfuse.memo import Memo
from newsfuse.model import Article, Story
from newsfuse.store import Store, heads

SORTS = ("recent", "oldest", "articles", "sources", "relevance")
_SEARCH_CAP = 10_000  # articles consulted to find the stories that match a query
_MEMO_BYTES = 200_000_000  # derived views kept per database state, by their size
T = TypeVar("T")


@dataclass(slots=True)
class _Index:
    """What listing and filtering need, for every story, read once per database state."""

    version: int
    stamps: dict[str, str]  # per story: changes when that story or its analysis is rewritten
    cards: list[StoryCard]  # most recent first, as Store.stories() orders them
    by_id: dict[str, StoryCard]
    story_of: dict[str, str]
    copies: dict[str, list[str]]
    sources: list[str]


def ensure_db(db: str | Path) -> None:
    """Create an empty, current database at `db` when none is there yet (a server may start
    before the first ingest); an existing one is migrated like any writer would."""
    if not Path(db).exists():
        Store(db).close()


class Library:
    """One read-only Store (WAL: a concurrent ingest never blocks it) and the story index."""

    def __init__(self, db: str | Path) -> None:
        self.db = Path(db)
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._stamp: object = None
        self._index: _Index | None = None
        self._builds = 0
        self._memo = Memo(_MEMO_BYTES)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def invalidate(self) -> None:
        """Forget the index; call after writing through another Store of the same file."""
        with self._lock:
            self._stamp = None

    def _file_stamp(self) -> object:
        stamp: list[tuple[int, int, int] | None] = []
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{self.db}{suffix}")
            except OSError:
                stamp.append(None)
            else:
                stamp.append((st.st_mtime_ns, st.st_size, st.st_ino))
        return tuple(stamp)

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.db, readonly=True)
            return self._store

    def _current(self) -> _Index:
        """The index of the current database state (rebuilt when the file has changed)."""
        stamp = self._file_stamp()
        index = self._index
        if index is not None and stamp == self._stamp:
            return index
        store = self.store
        with self._lock:
            if self._index is not None and stamp == self._stamp:
                return self._index
            with store.snapshot():
                stories, stamps = store.read_with(heads.story_heads)
                rows = store.read_with(heads.article_heads)
            by_article = {aid: Head(source, published, dup) for aid, source, published, dup in rows}
            copies: dict[str, list[str]] = {}
            for aid, _, _, duplicate_of in rows:
                if duplicate_of:
                    copies.setdefault(duplicate_of, []).append(aid)
            cards = [card(s, by_article) for s in stories]
            self._builds += 1
            self._index = _Index(
                version=self._builds,
                stamps=stamps,
                cards=cards,
                by_id={c.id: c for c in cards},
                story_of={aid: s.id for s in stories for aid in s.articles},
                copies=copies,
                sources=sorted({r[1] for r in rows if r[1]}, key=str.casefold),
            )
            # No clear(): pages of stories this change left alone keep their stamp and
            # stay valid; entries of older states age out of the bounded memo.
            self._stamp = stamp
            return self._index

    @property
    def version(self) -> int:
        """Changes whenever the data does: a key for caching anything derived from it."""
        return self._current().version

    def _memo_key(self, index: _Index, key: tuple[Any, ...], story: str | None) -> tuple[Any, ...]:
        """Keyed by the database state, or for what shows one story only, by that story's
        stamp: an ingest that touches ten stories leaves the other pages cached."""
        if story is not None and story in index.stamps:
            return ("story", story, index.stamps[story], *key)
        return (index.version, *key)

    def memo(self, key: tuple[Any, ...], build: Callable[[], T], story: str | None = None) -> T:
        """`build()` once per database state and key: a page shown a thousand times between
        two ingests is computed once. Forgotten as soon as the data it shows changes; pass
        `story` when the value depends on that story alone."""
        full = self._memo_key(self._current(), key, story)
        hit = self._memo.get(full)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        value = build()
        self._memo.put(full, value)
        return value

    def peek(self, key: tuple[Any, ...], story: str | None = None) -> Any | None:
        """What `memo` holds for `key` in the current database state, or None; never reads
        the database (a changed file just means None), so it is safe on an event loop."""
        with self._lock:
            index = self._index
            if index is None or self._stamp != self._file_stamp():
                return None
        return self._memo.get(self._memo_key(index, key, story))

    def sources(self) -> list[str]:
        return list(self._current().sources)

    def story_of(self, article_id: str) -> str | None:
        return self._current().story_of.get(article_id)

    def _matching(self, query: str) -> list[str]:
        """Story ids whose title or any article matches `query`, best first."""
        index = self._current()
        ids = dict.fromkeys(self.store.search_stories(query, limit=len(index.cards) or 1))
        for aid in self.store.search_articles(query, limit=_SEARCH_CAP):
            if aid in index.story_of:
                ids.setdefault(index.story_of[aid])
        return [i for i in ids if i in index.by_id]

    def find_stories(
        self,
        *,
        query: str | None = None,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        sort: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> StoryPage:
        """A page of stories that match every filter given.

        A story matches a date range when its own range [first_seen, last_seen] overlaps it,
        and a source when any of its articles comes from it (case-insensitive).
        """
        sort = sort or ("relevance" if query else "recent")
        if sort not in SORTS:
            raise InputError("sort", f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
        if limit < 0 or offset < 0:
            raise InputError("paging", "limit and offset must not be negative")
        index = self._current()
        cards = index.cards
        if query and query.strip():
            cards = [index.by_id[i] for i in self._matching(query)]
        if since:
            cards = [c for c in cards if (day(c.last_seen) or day(c.first_seen) or "") >= since]
        if until:
            cards = [
                c for c in cards if "" < (day(c.first_seen) or day(c.last_seen) or "") <= until
            ]
        if source:
            wanted = source.casefold()
            cards = [c for c in cards if any(s.casefold() == wanted for s in c.sources)]
        if sort == "oldest":
            cards = sorted(cards, key=lambda c: (c.first_seen is None, c.first_seen or "", c.id))
        elif sort == "articles":
            cards = sorted(cards, key=lambda c: (-c.articles, c.id))
        elif sort == "sources":
            cards = sorted(cards, key=lambda c: (-c.independent_sources, -c.articles, c.id))
        return StoryPage(len(cards), offset, limit, cards[offset : offset + limit])

    def card(self, story_id: str) -> StoryCard:
        found = self._current().by_id.get(story_id)
        if found is None:
            raise NotFoundError(f"no story {story_id!r}")
        return found

    def story(self, story_id: str) -> tuple[Story, list[Article], dict[str, Any] | None]:
        """The story, its articles and its stored analysis (None until analysed)."""
        store = self.store
        with store.snapshot():
            found = store.story(story_id)
            return found, store.articles(found.articles), store.analysis(story_id)

    def article(self, article_id: str) -> ArticleRecord:
        store = self.store
        index = self._current()
        with store.snapshot():
            found = store.article(article_id)
            original = None
            if found.duplicate_of:
                near = store.articles([found.duplicate_of])
                original = near[0] if near else None
            copies = store.articles(index.copies.get(article_id, []))
        return ArticleRecord(found, index.story_of.get(article_id), original, copies)

    def articles(self, ids: Iterable[str]) -> list[Article]:
        return self.store.articles(ids)

    def search(self, query: str, limit: int = 20) -> Found:
        """Stories and articles matching every word of `query` (SQLite FTS5), best first."""
        if not query.strip():
            return Found([], [])
        index = self._current()
        stories = [index.by_id[i] for i in self._matching(query)[:limit]]
        ids = self.store.search_articles(query, limit=limit)
        rank = {aid: k for k, aid in enumerate(ids)}
        articles = sorted(self.store.articles(ids), key=lambda a: rank[a.id])
        return Found(stories, articles)
