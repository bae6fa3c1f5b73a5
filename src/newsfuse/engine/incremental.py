"""Incremental ingest: add articles to an existing database, batch by batch.

Reading and cleaning stream; each cleaned article is classified against the store (new,
a new version of a stored article, or already there) and the new and changed ones collect
into batches of `settings.ingest_batch`. Batches are cut on that stream only, so a re-run
after a crash (whose committed batches now read as "already there") cuts the remaining
articles exactly where the interrupted run would have.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsfuse.engine import batch as batches
from newsfuse.engine.batch import Item
from newsfuse.engine.index import OnlineIndex
from newsfuse.engine.lock import ingest_lock
from newsfuse.engine.pool import clean_all
from newsfuse.engine.progress import NullProgress, Progress
from newsfuse.engine.versions import describe
from newsfuse.ingest import read_paths
from newsfuse.model import Article, IngestReport, Problem, StageStat
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store import incremental as rows


def _same(a: str, b: str) -> bool:
    return a == b or " ".join(a.split()) == " ".join(b.split())


class IncrementalEngine:
    def __init__(self, store: Store, settings: Settings, progress: Progress | None = None) -> None:
        self.store = store
        self.settings = settings
        self.progress: Progress = progress or NullProgress()
        self.report = IngestReport()
        self._index: OnlineIndex | None = None
        self._pending: list[Item] = []
        self._keys: dict[str, str] = {}  # id or url in the pending batch -> normalised text
        self._ingest = StageStat(stage="ingest")
        self._steps: dict[str, float] = {}

    @property
    def index(self) -> OnlineIndex:
        """Loaded on the first batch, so re-reading stored input never loads a model."""
        if self._index is None:
            from newsfuse.engine.backfill import backfill

            started = time.perf_counter()
            backfill(self.store, self.settings)
            self._index = OnlineIndex.load(self.store, self.settings)
            self._steps["load index"] = time.perf_counter() - started
        return self._index

    def ingest(self, paths: Iterable[str | Path]) -> IngestReport:
        """Ingest `paths`; another ingest of the same file meanwhile waits (engine/lock.py)."""
        with ingest_lock(self.store.path, self.store.timeout):
            return self._ingest_paths(paths)

    def _ingest_paths(self, paths: Iterable[str | Path]) -> IngestReport:
        chosen = [Path(p) for p in paths]
        settings = {n: getattr(self.settings, n) for n in self.settings.__slots__}  # type: ignore[attr-defined]
        run_id = self.store.start_run([str(p) for p in chosen], settings)
        problems = self.report.problems
        clean = StageStat(stage="clean")
        started = time.perf_counter()
        self.progress.start("ingest")
        for article in self._cleaned(chosen, problems, clean):
            self._take(article)
            self.taken(article)
        self._flush()
        self.progress.finish("ingest")
        clean.seconds = round(time.perf_counter() - started - self._ingest.seconds, 4)
        steps = [StageStat(f"  {k}", seconds=round(v, 4)) for k, v in self._steps.items()]
        self.report.stats = [clean, self._ingest, *steps]
        self._resolve_aliases()
        for p in problems:
            p.where, p.message = self.public(p.where), self.public(p.message)
        self.store.add_problems(run_id, problems)
        self.store.finish_run(run_id, self.report.stats)
        return self.report

    def _cleaned(
        self, paths: list[Path], problems: list[Problem], stat: StageStat
    ) -> Iterator[Article]:
        raws = read_paths(paths, self.settings, problems)
        for item in clean_all(raws, self.settings, self.settings.workers):
            stat.items_in += 1
            if isinstance(item, Problem):
                problems.append(item)
                continue
            stat.items_out += 1
            item.origin = self.public(item.origin)
            yield item

    # -- hooks for callers that feed the engine from somewhere private (web uploads) ----------

    def public(self, text: str) -> str:
        """An origin or problem text as users may see it (uploads hide their temp folder)."""
        return text

    def taken(self, article: Article) -> None:
        """Called with every article read, new or already stored, under its stored id."""

    def _take(self, article: Article) -> None:
        pending = self._keys.get(article.id)
        if pending is None and article.url:
            pending = self._keys.get(article.url)
        if pending is not None:
            if _same(pending, article.text):
                self.report.unchanged += 1
                return
            self._flush()  # a second version of a pending article waits for the first
        item = self._classify(article)
        if item is None:
            self.report.unchanged += 1
            return
        self._pending.append(item)
        norm = " ".join(item.article.text.split())
        self._keys[item.article.id] = norm
        if item.article.url:
            self._keys[item.article.url] = norm
        if len(self._pending) >= self.settings.ingest_batch:
            self._flush()

    def _classify(self, article: Article) -> Item | None:
        """None when the text is stored already, as the current or an earlier version."""
        current = self.store.read_with(rows.current_texts, [article.id])
        target = article.id if article.id in current else None
        if target is None and article.url:
            found = self.store.read_with(rows.by_url, [article.url])
            if article.url in found:
                target = found[article.url][0]
                current = self.store.read_with(rows.current_texts, [target])
        if target is None:
            return Item(article)
        article.id = target  # found by its URL under another id: the stored id names it
        text, version = current[target]
        if _same(text, article.text):
            return None
        stale = self.store.read_with(rows.old_hashes, [target]).get(target, set())
        if rows.text_hash(article.text) in stale:
            return None
        was = self.store.article(target).published
        update = describe(
            target, version + 1, text, article.text, was, article.published, self.store.now()
        )
        return Item(article, update)

    def _flush(self) -> None:
        items, self._pending, self._keys = self._pending, [], {}
        if not items:
            return
        started = time.perf_counter()
        index = self.index
        plan = batches.plan(self.store, index, items, self.settings)
        batches.commit(self.store, plan)
        batches.apply(index, plan)
        report = self.report
        report.batches += 1
        report.new_articles += len(plan.new)
        report.updated_articles += len(plan.updated)
        report.duplicates += sum(a.duplicate_of is not None for a in plan.new)
        for story in plan.regroup.changed:
            if story.id not in report.stories_changed:
                report.stories_changed.append(story.id)
        for old, new, _ in plan.regroup.aliases:
            report.stories_merged[old] = new
        for step, seconds in plan.seconds.items():
            self._steps[step] = self._steps.get(step, 0.0) + seconds
        self._ingest.items_in += len(items)
        self._ingest.items_out += len(plan.regroup.changed)
        self._ingest.seconds += round(time.perf_counter() - started, 4)
        self.progress.advance("ingest", len(items))

    def _resolve_aliases(self) -> None:
        """Old ids lead to the story that holds them now; dropped ids leave the changed list."""
        report = self.report
        for old in list(report.stories_merged):
            found = self.store.read_with(rows.resolve, old)
            if found is not None:
                report.stories_merged[old] = found
        live = self.store.read_with(rows.taken_ids, report.stories_changed)
        alias = set(report.stories_merged)
        report.stories_changed = [s for s in report.stories_changed if s in live and s not in alias]
