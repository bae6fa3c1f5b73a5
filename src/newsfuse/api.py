"""The public Python API. The CLI and the web layer call these functions and nothing else."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from newsfuse.engine.local import LocalEngine
from newsfuse.engine.progress import Progress
from newsfuse.model import Article, IngestReport, Report, Story
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
) -> Report:
    """Read, clean, deduplicate and cluster `paths` into the database; write reports to `out`.

    Articles already in the database are not stored again, so running the same input
    twice changes nothing.
    """
    settings = settings or Settings.from_env()
    paths = [Path(p) for p in paths]
    with Store(db) as store:
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
        result = IncrementalEngine(store, settings, progress).ingest([Path(p) for p in paths])
        if out is not None:
            from newsfuse.brief import write_report

            changed = [store.story(s) for s in result.stories_changed]
            members = store.articles({a for s in changed for a in s.articles})
            report = Report(articles=members, stories=changed, problems=result.problems)
            report.stats, report.new_articles = result.stats, result.new_articles
            write_report(report, Path(out), formats)
    return result


def versions(db: str | Path, article_id: str) -> list[dict[str, object]]:
    """Earlier versions of an article (text, title, origin, replaced_at), oldest first."""
    with Store(db, readonly=True) as store:
        store.article(article_id)  # NotFoundError for an unknown id
        return list(store.versions(article_id))
