"""The public Python API. The CLI and the web layer call these functions and nothing else."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsfuse.cards import ArticleRecord as ArticleRecord
from newsfuse.cards import Found as Found
from newsfuse.cards import StoryCard as StoryCard
from newsfuse.cards import StoryPage as StoryPage
from newsfuse.engine.lock import ingest_lock
from newsfuse.engine.progress import Progress
from newsfuse.errors import MissingExtraError
from newsfuse.library import SORTS as SORTS
from newsfuse.library import Library as Library
from newsfuse.library import ensure_db as ensure_db
from newsfuse.model import Article, IngestReport, Report, Story
from newsfuse.settings import Settings
from newsfuse.store import Store

if TYPE_CHECKING:
    from newsfuse.uploads import Ingested

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
    engine: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> Report:
    """Read, clean, deduplicate and cluster `paths` into the database; write reports to `out`.

    Articles already in the database are not stored again, so running the same input
    twice changes nothing. `engine="dask"` runs the same stages on a Dask cluster: the one
    at `scheduler` (tcp://HOST:PORT), or a LocalCluster of `workers` processes. With a
    database file, the report's articles and stories are read from it when used (a run of
    a million articles does not hold them all); keep the file while using the report.
    """
    from newsfuse.engine.local import LocalEngine  # the stages load models: not at import

    settings = settings or Settings.from_env()
    if scheduler and engine is None:  # naming a cluster means using it
        engine = "dask"
    if (engine, workers, scheduler) != (None, None, None):
        settings = replace(
            settings,
            engine=settings.engine if engine is None else engine,
            workers=settings.workers if workers is None else workers,
            scheduler=settings.scheduler if scheduler is None else scheduler,
        )
        settings.validate()
    paths = [p if _is_url(p) else Path(p) for p in paths]
    with Store(db) as store, ingest_lock(store.path, store.timeout):
        if settings.engine == "dask":
            from newsfuse.engine.dask import DaskEngine, connect

            with connect(settings) as client:
                report = DaskEngine(store, settings, client, progress).run(paths)
        else:
            report = LocalEngine(store, settings, progress).run(paths)
    if out is not None:
        _write(report, Path(out), formats)
    return report


def _write(report: Report, out: Path, formats: Sequence[str]) -> None:
    from newsfuse.brief import write_report

    write_report(report, out, [f for f in formats if f != "parquet"])
    if "parquet" in formats:  # articles.parquet, stories.parquet for analysts
        from newsfuse.export import write_parquet

        write_parquet(report, out)


def _is_url(path: str | Path) -> bool:
    """A feed URL stays a string: Path() would fold its "//"."""
    return isinstance(path, str) and path.lower().startswith(("http://", "https://"))


def stories(
    db: str | Path = DEFAULT_DB, *, limit: int | None = None, offset: int = 0
) -> list[Story]:
    with Store(db, readonly=True) as store:
        return store.stories(limit=limit, offset=offset)


def story(db: str | Path, story_id: str) -> tuple[Story, list[Article]]:
    """A story with its member articles; raises NotFoundError for an unknown id.

    The id of a story that was merged into another (or split) leads to the story that holds
    its articles now: the returned Story's id says which.
    """
    with Store(db, readonly=True) as store:
        found = store.story(store.resolve_story(story_id))
        return found, store.articles(found.articles)


def article(db: str | Path, article_id: str) -> Article:
    with Store(db, readonly=True) as store:
        return store.article(article_id)


# -- long-running readers and writers (the web server) ------------------------------------------
# The server keeps one Library open (library.py); posted articles go through uploads.py.


def find_stories(db: str | Path = DEFAULT_DB, **filters: Any) -> StoryPage:
    """One page of stories; see Library.find_stories for the filters."""
    with Library(db) as library:
        return library.find_stories(**filters)


def search(db: str | Path, query: str, limit: int = 20) -> Found:
    """Stories and articles matching every word of `query`, best first."""
    with Library(db) as library:
        return library.search(query, limit)


def ingest_posted(
    db: str | Path,
    records: Sequence[Mapping[str, Any]] = (),
    files: Sequence[tuple[str, bytes]] = (),
    *,
    settings: Settings | None = None,
) -> Ingested:
    """Add posted records (JSONL-shaped dicts) and files (name, content) as `ingest` adds
    files: incrementally, touching only the stories they reach."""
    from newsfuse.uploads import ingest_posted as add

    return add(db, records, files, settings=settings)


def serve(
    db: str | Path = DEFAULT_DB,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    token: str | None = None,
    settings: Settings | None = None,
    workers: int = 1,
) -> None:
    """Serve the web pages and the JSON API over `db` until interrupted (needs the web extra).

    Without a token the server is read-only: every write answers 403. With several `workers`
    (processes, each with its own page memo) the database and token reach them through the
    environment, and their settings come from NEWSFUSE_* variables.
    """
    try:
        import uvicorn

        from newsfuse.web.app import SERVE_DB_ENV, TOKEN_ENV, create_app
    except ImportError as e:
        raise MissingExtraError("the web server needs: pip install 'newsfuse[web]'") from e
    options: dict[str, Any] = {"log_level": "info", "access_log": False, "lifespan": "off"}
    if workers > 1:
        os.environ[SERVE_DB_ENV] = str(db)
        if token:
            os.environ[TOKEN_ENV] = token
        target = "newsfuse.web.app:app_from_env"
        uvicorn.run(target, factory=True, host=host, port=port, workers=workers, **options)
    else:
        uvicorn.run(create_app(db, token=token, settings=settings), host=host, port=port, **options)


def ingest(
    paths: Iterable[str | Path],
    db: str | Path = DEFAULT_DB,
    settings: Settings | None = None,
    progress: Progress | None = None,
    *,
    out: str | Path | None = None,
    formats: Sequence[str] = FORMATS,
) -> IngestReport:
    """Add `paths` to the database: copies are recognised against everything stored, new
    articles join stored stories or start new ones, a changed text becomes a new version of
    its article, and only the stories that changed are re-analysed (docs/INCREMENTAL.md).

    Each batch of `settings.ingest_batch` articles commits atomically; ingesting the same
    input again changes nothing. `out` gets reports of the stories this call changed.
    """
    from newsfuse.engine.incremental import IncrementalEngine

    settings = settings or Settings.from_env()
    with Store(db) as store:
        result = IncrementalEngine(store, settings, progress).ingest(
            [p if _is_url(p) else Path(p) for p in paths]
        )
        if out is not None:
            changed = [store.story(s) for s in result.stories_changed]
            members = store.articles({a for s in changed for a in s.articles})
            report = Report(articles=members, stories=changed, problems=result.problems)
            report.stats, report.new_articles = result.stats, result.new_articles
            _write(report, Path(out), formats)
    return result


def versions(db: str | Path, article_id: str) -> list[dict[str, object]]:
    """Earlier versions of an article (text, title, origin, replaced_at), oldest first."""
    with Store(db, readonly=True) as store:
        store.article(article_id)  # NotFoundError for an unknown id
        return list(store.versions(article_id))
