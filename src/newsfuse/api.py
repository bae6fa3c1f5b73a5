"""The public Python API. The CLI and the web layer call these functions and nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from newsfuse.engine.local import LocalEngine
from newsfuse.engine.progress import Progress
from newsfuse.model import Article, Report, Story
from newsfuse.settings import Settings
from newsfuse.store import Store

DEFAULT_DB = "newsfuse.db"
FORMATS = ("md", "html", "json")


def run(
    paths: Iterable[str | Path],
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
    at `scheduler` (tcp://HOST:PORT), or a LocalCluster of `workers` processes.
    """
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
    paths = [Path(p) for p in paths]
    with Store(db) as store:
        if settings.engine == "dask":
            from newsfuse.engine.dask import DaskEngine, connect

            with connect(settings) as client:
                report = DaskEngine(store, settings, client, progress).run(paths)
        else:
            report = LocalEngine(store, settings, progress).run(paths)
    if out is not None:
        from newsfuse.brief import write_report

        write_report(report, Path(out), formats)
    return report


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
