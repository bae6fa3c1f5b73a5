"""The embedded engine: every stage in this process (and its cleaning pool), over one SQLite
store, streaming, so a run of a million articles fits in a few GB.

1. intake.py: read -> clean (worker pool, which also fingerprints) -> store, batch by batch.
2. catalog.py: the dedup index over everything stored (rank and text number per article,
   one signature per distinct text; no text), resolved into duplicate links, which are
   written in one transaction.
3. compact.py: the originals' cluster profiles (terms, names, embedding, day), read from
   the store a block at a time; clustering runs on those and on light articles (no text).
4. briefing.py: analysis and summary per story, its articles read from the store, the new
   stories written in one transaction.

Bad input is counted as a Problem and never stops the batch. What stays in memory per
article is the catalog and, per original, its compact profile (docs/PERFORMANCE.md gives the
bytes); the report's articles and stories are views of the database file (store/views.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from pathlib import Path

from newsfuse.cluster import from_profiles
from newsfuse.engine import catalog as catalogs
from newsfuse.engine import compact
from newsfuse.engine.briefing import brief_all
from newsfuse.engine.intake import take_in
from newsfuse.engine.progress import NullProgress, Progress, StageClock
from newsfuse.model import Problem, Report, StageStat, Story
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store.views import report_views


class LocalEngine:
    def __init__(self, store: Store, settings: Settings, progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self.progress: Progress = progress or NullProgress()
        self.stats: list[StageStat] = []

    def run(self, paths: Iterable[str | Path]) -> Report:
        paths = list(paths)
        problems: list[Problem] = []
        run_id = self.store.start_run([str(p) for p in paths], _settings_dict(self.settings))
        clock = StageClock(self.progress, self.stats)
        # An empty store is indexed while it fills; any other is indexed after, in order.
        catalog = catalogs.Catalog(self.settings) if not self.store.count_articles() else None
        new = take_in(self.store, self.settings, paths, problems, clock, catalog)
        # Articles stored by a run killed before its stories were written get clustered now.
        if new or not self.store.stories(limit=1) or self.store.count_unclustered():
            catalog = self.deduplicate(clock, catalog)
            stories = self.cluster(clock, catalog)
            del catalog  # the catalog and the profiles are not needed past clustering
            brief_all(self.store, stories, self.settings, clock)
        clock.book()
        self.store.add_problems(run_id, problems)
        self.store.finish_run(run_id, self.stats)
        articles, stories_view = report_views(self.store)
        return Report(
            articles=articles,
            stories=stories_view,
            problems=problems,
            stats=self.stats,
            new_articles=new,
        )

    def deduplicate(self, clock: StageClock, catalog: catalogs.Catalog | None) -> catalogs.Catalog:
        with clock.part("dedup") as stat:
            if catalog is None:
                catalog = catalogs.from_store(self.store, self.settings)
            catalog.resolve()
            catalogs.write_links(self.store, catalog)
            stat.items_in = len(catalog)
            stat.items_out = sum(d is not None for d, _ in catalog.links)
        clock.done("dedup")
        return catalog

    def cluster(self, clock: StageClock, catalog: catalogs.Catalog) -> deque[Story]:
        with clock.part("cluster") as stat:
            stat.items_in = len(catalog)
            found: list[Story] = []
            if len(catalog):
                prof, articles = compact.build(self.store, catalog, self.settings)
                found = from_profiles(articles, prof, self.settings)
            stat.items_out = len(found)
        clock.done("cluster")
        return deque(found)


def _settings_dict(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]
