"""A run's articles and stories as sequences read from the database file when used.

A Report of a million articles would hold every text in memory if it were a list; these
views keep only the file's path and the count, and read a page at a time whenever they are
iterated or indexed. Each read sees the file as it is then (a later run may have changed
it), and the file must still exist. An in-memory database disappears with its Store, so its
report gets plain lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from newsfuse.model import Article, Story
from newsfuse.store import pages
from newsfuse.store.connection import MEMORY
from newsfuse.store.store import Store

PAGE = 1_000


class StoredArticles(Sequence[Article]):
    """Articles with seq <= `upto` (those stored when the run ended), in insertion order."""

    def __init__(self, path: str, count: int, upto: int) -> None:
        self.path, self.size, self.upto = path, count, upto

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"StoredArticles({self.path!r}, {self.size} articles)"

    def __iter__(self) -> Iterator[Article]:
        with Store(self.path, readonly=True) as store:
            seq = 0
            while page := store.read_with(pages.articles_after, seq, PAGE, self.upto):
                seq = page[-1][0]
                yield from (a for _, a in page)

    @overload
    def __getitem__(self, index: int) -> Article: ...

    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...

    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        return _item(list(self) if isinstance(index, slice) else self, index)

    def _at(self, k: int) -> Article:
        with Store(self.path, readonly=True) as store:
            found = store.read_with(_nth_article, k, self.upto)
        if found is None:
            raise IndexError(k)
        return found


class StoredStories(Sequence[Story]):
    """Every story, in Store.stories() order."""

    def __init__(self, path: str, count: int) -> None:
        self.path, self.size = path, count

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"StoredStories({self.path!r}, {self.size} stories)"

    def __iter__(self) -> Iterator[Story]:
        with Store(self.path, readonly=True) as store:
            key: pages.StoryKey | None = None
            while page := store.read_with(pages.stories_after, key, PAGE):
                key = (page[-1].last_seen, page[-1].id)
                yield from page

    @overload
    def __getitem__(self, index: int) -> Story: ...

    @overload
    def __getitem__(self, index: slice) -> list[Story]: ...

    def __getitem__(self, index: int | slice) -> Story | list[Story]:
        return _item(list(self) if isinstance(index, slice) else self, index)

    def _at(self, k: int) -> Story:
        with Store(self.path, readonly=True) as store:
            found = store.stories(limit=1, offset=k)
        if not found:
            raise IndexError(k)
        return found[0]


def _item(seq: Any, index: int | slice) -> Any:
    if isinstance(index, slice):
        return seq[index]
    k = index + len(seq) if index < 0 else index
    if not 0 <= k < len(seq):
        raise IndexError(f"index {index} out of range for {len(seq)} items")
    return seq._at(k)


def _nth_article(conn: Any, k: int, upto: int) -> Article | None:
    row = conn.execute(
        "SELECT seq FROM articles WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?", (upto, k)
    ).fetchone()
    found = [] if row is None else pages.articles_after(conn, int(row[0]) - 1, 1, upto)
    return found[0][1] if found else None


def report_views(store: Store) -> tuple[Sequence[Article], Sequence[Story]]:
    """What a Report of a finished run holds: views of the file, or lists for `:memory:`."""
    if store.path == MEMORY:
        return store.articles(), store.stories()
    path = str(Path(store.path).resolve())  # the view may be read from another directory
    upto = store.read_with(pages.last_seq)
    return (
        StoredArticles(path, store.count_articles(), upto),
        StoredStories(path, store.count_stories()),
    )
