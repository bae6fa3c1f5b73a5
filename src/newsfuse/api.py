"""The public Python API. The CLI and the web layer call these functions and nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from newsfuse.engine.local import LocalEngine
from newsfuse.engine.progress import Progress
from newsfuse.model import Article, Report, Story
from newsfuse.settings import Settings
from newsfuse.store import Store

DEFAULT_DB = "newsfuse.db"
FORMATS = ("md", "html", "json", "parquet")


def run(
    paths: Iterable[str | Path],  # files, folders, or http(s) URLs of feeds
    *,
    db: str | Path = ":memory:",
    out: str | Path | None = None,
    formats: Sequence[str] = FORMATS,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read, clean, deduplicate and cluster `paths` into the database; write reports to `out`.

    Articles already in the database are not stored again, so running the same input
    twice changes nothing.
    """
    settings = settings or Settings.from_env()
    paths = [p if _is_url(p) else Path(p) for p in paths]
    with Store(db) as store:
        report = LocalEngine(store, settings, progress).run(paths)
    if out is not None:
        from newsfuse.brief import write_report

        write_report(report, Path(out), [f for f in formats if f != "parquet"])
        if "parquet" in formats:  # articles.parquet, stories.parquet for analysts
            from newsfuse.export import write_parquet

            write_parquet(report, Path(out))
    return report


def _is_url(path: str | Path) -> bool:
    """A feed URL stays a string: Path() would fold its "//"."""
    return isinstance(path, str) and path.lower().startswith(("http://", "https://"))


def stories(
    db: str | Path = DEFAULT_DB, *, limit: int | None = None, offset: int = 0
) -> list[Story]:
    with Store(db, readonly=True) as store:
        return store.stories(limit=limit, offset=offset)


def story(db: str | Path, story_id: str) -> tuple[Story, list[Article]]:
    """A story with its member articles; raises NotFoundError for an unknown id."""
    with Store(db, readonly=True) as store:
        found = store.story(story_id)
        return found, store.articles(found.articles)


def article(db: str | Path, article_id: str) -> Article:
    with Store(db, readonly=True) as store:
        return store.article(article_id)
