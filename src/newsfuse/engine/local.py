"""The embedded engine: every stage in this process, over one SQLite store.

Stages are called in pipeline order and each reports counts and time. Bad input is
counted as a Problem and never stops the batch; nothing is written to the store until
the articles of the batch are clean, so a failing run cannot half-write an article.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path

from newsfuse.analysis import analyze
from newsfuse.brief import summarize
from newsfuse.cluster import cluster
from newsfuse.dedup import find_duplicates
from newsfuse.engine.pool import clean_all
from newsfuse.engine.progress import NullProgress, Progress, timed_stage
from newsfuse.ingest import read_paths
from newsfuse.model import Article, Problem, Report, StageStat, Story
from newsfuse.settings import Settings
from newsfuse.store import Store


class LocalEngine:
    def __init__(self, store: Store, settings: Settings, progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self.progress: Progress = progress or NullProgress()
        self.stats: list[StageStat] = []

    def _stage(
        self, name: str, items_in: int, total: int | None = None
    ) -> AbstractContextManager[StageStat]:
        return timed_stage(self.progress, self.stats, name, items_in, total)

    def read_and_clean(self, paths: Iterable[str | Path], problems: list[Problem]) -> list[Article]:
        """Stream records from disk through the cleaner; a bad record costs one Problem."""
        articles: list[Article] = []
        seen: dict[str, str] = {}
        read_stat = StageStat(stage="read")
        with self._stage("clean", 0) as stat:
            started = time.perf_counter()
            raws = read_paths(paths, self.settings, problems)
            for item in clean_all(raws, self.settings, self.settings.workers):
                read_stat.items_out += 1
                stat.items_in += 1
                self.progress.advance("clean")
                if isinstance(item, Problem):
                    problems.append(item)
                    continue
                article = item
                if article.id in seen:
                    problems.append(
                        Problem(
                            article.origin,
                            f"id {article.id!r} already used by {seen[article.id]}; skipped",
                            stage="clean",
                        )
                    )
                    continue
                seen[article.id] = article.origin
                articles.append(article)
            stat.items_out = len(articles)
            read_stat.seconds = round(time.perf_counter() - started, 4)
        read_stat.items_in = read_stat.items_out + sum(p.stage == "read" for p in problems)
        self.stats.insert(len(self.stats) - 1, read_stat)
        return articles

    def store_new(self, articles: list[Article]) -> int:
        with self._stage("store", len(articles)) as stat:
            stat.items_out = self.store.add_articles(articles)
        return stat.items_out

    def deduplicate(self, articles: list[Article]) -> None:
        with self._stage("dedup", len(articles)) as stat:
            before = {a.id: (a.duplicate_of, a.duplicate_score) for a in articles}
            find_duplicates(articles, self.settings)
            changed = [
                (a.id, a.duplicate_of, a.duplicate_score)
                for a in articles
                if before[a.id] != (a.duplicate_of, a.duplicate_score)
            ]
            self.store.update_duplicates(changed)
            stat.items_out = sum(a.duplicate_of is not None for a in articles)

    def cluster(self, articles: list[Article]) -> list[Story]:
        with self._stage("cluster", len(articles)) as stat:
            stories = cluster(articles, self.settings)
            stat.items_out = len(stories)
        return stories

    def brief(self, stories: list[Story], articles: list[Article]) -> None:
        by_id = {a.id: a for a in articles}
        with self._stage("brief", len(stories), total=len(stories)) as stat:
            for story in stories:
                story.summary = summarize(story, by_id, self.settings)
                self.progress.advance("brief")
            stat.items_out = len(stories)

    def analyze(self, stories: list[Story], articles: list[Article]) -> None:
        by_id = {a.id: a for a in articles}
        with self._stage("analyze", len(stories), total=len(stories)) as stat:
            for story in stories:
                story.analysis = analyze(story, by_id, self.settings)
                self.progress.advance("analyze")
            stat.items_out = len(stories)

    def run(self, paths: Iterable[str | Path]) -> Report:
        problems: list[Problem] = []
        run_id = self.store.start_run([str(p) for p in paths], _settings_dict(self.settings))
        batch = self.read_and_clean(paths, problems)
        new = self.store_new(batch)
        # Articles stored by a run killed before its stories were written get clustered now.
        if new or not self.store.stories(limit=1) or self.store.count_unclustered():
            articles = self.store.articles()
            self.deduplicate(articles)
            stories = self.cluster(articles)
            if self.settings.analysis:
                self.analyze(stories, articles)
            self.brief(stories, articles)
            self.store.replace_stories(stories)
        self.store.add_problems(run_id, problems)
        self.store.finish_run(run_id, self.stats)
        return Report(
            articles=self.store.articles(),
            stories=self.store.stories(),
            problems=problems,
            stats=self.stats,
            new_articles=new,
        )


def _settings_dict(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]
