"""The Dask engine: the local engine's stages, with the per-item work spread over a cluster.

What runs where (docs/DASK.md):
- client: walks the inputs, keeps the first of each id, links duplicates, clusters, and
  writes the database in one transaction at the very end: a run that fails part-way (a
  cluster gone, a worker lost more often than Dask retries) leaves the database unchanged.
- workers: read + clean + fingerprint per partition of files, the LSH banding shuffle
  (engine/shuffle.py), and analysis + summary per batch of stories.

Clustering stays on the client because its features are corpus-wide (IDF of words and
names, shared-neighbour similarity, the embedding mean): clustering blocks separately would
give different stories than the local engine, and equal output is the contract.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from newsfuse.analysis.readings import settle_dates
from newsfuse.cluster import cluster
from newsfuse.dedup import BANDS, link_rows
from newsfuse.engine import shuffle
from newsfuse.engine.progress import NullProgress, Progress, timed_stage
from newsfuse.engine.tasks import Part, brief_stories, fingerprint_part, read_part
from newsfuse.errors import MissingExtraError, NewsfuseError
from newsfuse.ingest import READERS
from newsfuse.ingest.walk import iter_inputs
from newsfuse.model import Article, Problem, Report, StageStat, Story
from newsfuse.settings import Settings
from newsfuse.store import Store

PARTS_PER_WORKER = 4  # partitions per worker: enough to balance, few enough to stay cheap
STORED_CHUNK = 1_000  # stored articles per fingerprint task (~5 MB of text)
BATCH_CHARS = 3_000_000  # text per analysis task: each stays below Dask's 10 MB graph warning


class DaskEngineError(NewsfuseError):
    """The cluster could not finish the run; nothing was written to the database."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as e:
        raise MissingExtraError(
            "the Dask engine needs the dask extra: pip install 'newsfuse[dask]'"
        ) from e
    return distributed


@contextmanager
def connect(settings: Settings) -> Iterator[Any]:
    """A client of the scheduler in settings, or of a LocalCluster started (and stopped) here."""
    distributed = _distributed()
    if settings.scheduler:
        try:
            client = distributed.Client(settings.scheduler, timeout="10s")
        except (OSError, TimeoutError) as e:
            raise DaskEngineError(
                f"cannot reach the Dask scheduler at {settings.scheduler}: {e}"
            ) from e
        with client:
            yield client
        return
    workers = settings.workers or os.cpu_count() or 1
    with (
        distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: never clash with another cluster
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


def partitions(files: list[tuple[str, int]], count: int) -> list[list[str]]:
    """Consecutive runs of files of about equal total size (input order is kept)."""
    total = sum(size for _, size in files) or 1
    target = total / max(count, 1)
    out: list[list[str]] = [[]]
    filled = 0.0
    for where, size in files:
        if out[-1] and filled + size / 2 > target:
            out.append([])
            filled = 0.0
        out[-1].append(where)
        filled += size
    return [p for p in out if p]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class DaskEngine:
    def __init__(
        self, store: Store, settings: Settings, client: Any, progress: Progress | None = None
    ) -> None:
        self.store = store
        self.settings = settings
        self.client = client
        self.progress: Progress = progress or NullProgress()
        self.stats: list[StageStat] = []
        self._fetched: dict[str, Part] = {}  # partitions the client already has, by task key

    @contextmanager
    def _stage(self, name: str, items_in: int, total: int | None = None) -> Iterator[StageStat]:
        with timed_stage(self.progress, self.stats, name, items_in, total) as stat:
            try:
                yield stat
            except NewsfuseError:
                raise
            except Exception as e:  # a lost cluster, or a worker lost more often than retried
                raise DaskEngineError(
                    f"Dask run failed during {name}: {type(e).__name__}: {e}; "
                    f"the database {self.store.path} was not changed"
                ) from e

    def _workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def read_and_clean(
        self, paths: list[str | Path], problems: list[Problem]
    ) -> tuple[list[Article], list[Any], list[np.ndarray]]:
        """Kept articles, the futures of every partition and each row's place in the batch."""
        files = list(iter_inputs(paths, READERS, self.settings.max_files, problems))
        groups = partitions(
            [(f.where, _size(f.path)) for f in files], PARTS_PER_WORKER * self._workers()
        )
        articles: list[Article] = []
        rows: list[np.ndarray] = []
        seen: dict[str, str] = {}
        with self._stage("clean", 0, total=len(files)) as stat:
            futures = self.client.map(read_part, groups, settings=self.settings, pure=False)
            for group, future in zip(groups, futures, strict=True):
                part: Part = future.result()
                self._fetched[future.key] = Part(keys=part.keys, sigs=part.sigs)
                problems.extend(part.read_problems)
                place = []
                for item in part.items:
                    stat.items_in += 1
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                    if item.id in seen:
                        problems.append(
                            Problem(
                                item.origin,
                                f"id {item.id!r} already used by {seen[item.id]}; skipped",
                                stage="clean",
                            )
                        )
                        place.append(-1)
                        continue
                    seen[item.id] = item.origin
                    place.append(len(articles))
                    articles.append(item)
                rows.append(np.asarray(place, dtype=np.int64))
                self.progress.advance("clean", len(group))
            stat.items_out = len(articles)
        return articles, futures, rows

    def deduplicate(
        self, articles: list[Article], parts: list[Any], indexes: list[np.ndarray]
    ) -> list[tuple[str, str | None, float | None]]:
        """Link copies over all articles; returns the rows whose duplicate fields changed."""
        with self._stage("dedup", len(articles)) as stat:
            before = {a.id: (a.duplicate_of, a.duplicate_score) for a in articles}
            keys: list[str] = [""] * len(articles)
            sigs = np.zeros((len(articles), self.settings.minhash_permutations), np.uint32)
            missing = [f for f in parts if f.key not in self._fetched]
            got = self.client.gather(missing)
            self._fetched.update(zip([f.key for f in missing], got, strict=True))
            for future, index in zip(parts, indexes, strict=True):
                part = self._fetched[future.key]
                kept = index >= 0
                sigs[index[kept]] = part.sigs[kept]
                for k, row in zip(index[kept], np.flatnonzero(kept), strict=True):
                    keys[int(k)] = part.keys[int(row)]
            shards = 2 * self._workers()
            found = shuffle.candidate_pairs(self.client, parts, indexes, BANDS, shards)
            link_rows(articles, keys, sigs, np.array(sorted(found), np.int64), self.settings)
            stat.items_out = sum(a.duplicate_of is not None for a in articles)
        return [
            (a.id, a.duplicate_of, a.duplicate_score)
            for a in articles
            if before[a.id] != (a.duplicate_of, a.duplicate_score)
        ]

    def cluster(self, articles: list[Article]) -> list[Story]:
        with self._stage("cluster", len(articles)) as stat:
            stories = cluster(articles, self.settings)
            stat.items_out = len(stories)
        return stories

    def brief(self, stories: list[Story], articles: list[Article]) -> None:
        """Analysis and summary per story on the workers, in batches of similar weight."""
        by_id = {a.id: a for a in articles}
        chars = sum(len(a.text) for a in articles)
        count = min(len(stories), max(8 * self._workers(), chars // BATCH_CHARS))
        batches: list[list[Story]] = [[] for _ in range(count)]
        load = [0] * count
        for story in sorted(stories, key=lambda s: (-len(s.articles), s.id)):
            k = load.index(min(load))
            batches[k].append(story)
            load[k] += sum(len(by_id[a].text) for a in story.articles if a in by_id) + 1
        with self._stage("analyze", len(stories), total=len(stories)) as stat:
            shipped = [
                (batch, [by_id[a] for s in batch for a in dict.fromkeys(s.articles) if a in by_id])
                for batch in batches
            ]
            futures = [  # inline, not scattered: Dask can rerun it when a worker is lost
                self.client.submit(brief_stories, *d, self.settings, pure=False) for d in shipped
            ]
            found: dict[str, tuple[Any, Any]] = {}
            for future in _distributed().as_completed(futures):
                done = future.result()
                for story_id, analysis, summary in done:
                    found[story_id] = (analysis, summary)
                self.progress.advance("analyze", len(done))
            for story in stories:
                story.analysis, story.summary = found[story.id]
            stat.items_out = len(stories)

    def run(self, paths: Iterable[str | Path]) -> Report:
        paths = list(paths)
        problems: list[Problem] = []
        batch, parts, rows = self.read_and_clean(paths, problems)
        stored = self.store.articles()
        stored_ids = {a.id for a in stored}
        new = [a for a in batch if a.id not in stored_ids]
        stories: list[Story] | None = None
        changed: list[tuple[str, str | None, float | None]] = []
        redated: list[Article] = []
        if new or not self.store.stories(limit=1):
            articles = stored + new
            place = {a.id: k for k, a in enumerate(articles)}
            indexes = [_global(r, batch, place, stored_ids) for r in rows]
            if stored:  # their signatures are not kept: fingerprint them again, on the workers
                starts = range(0, len(stored), STORED_CHUNK)
                chunks = [stored[s : s + STORED_CHUNK] for s in starts]  # inline, as in brief()
                parts = [
                    self.client.submit(fingerprint_part, c, self.settings, pure=False)
                    for c in chunks
                ] + parts
                ends = [min(s + STORED_CHUNK, len(stored)) for s in starts]
                indexes = [np.arange(s, e) for s, e in zip(starts, ends, strict=True)] + indexes
            changed = self.deduplicate(articles, parts, indexes)
            stories = self.cluster(articles)
            by_id = {a.id: a for a in articles}
            redated = settle_dates(stories, by_id, self.settings.time_window_days)
            self.brief(stories, articles)
        return self._write(paths, batch, changed, stories, problems, redated)

    def _write(
        self,
        paths: list[str | Path],
        batch: list[Article],
        changed: list[tuple[str, str | None, float | None]],
        stories: list[Story] | None,
        problems: list[Problem],
        redated: Sequence[Article] = (),
    ) -> Report:
        """Everything the run learnt, in one transaction: all of it lands or none of it."""
        with self._stage("store", len(batch)) as stat, self.store.transaction():
            run_id = self.store.start_run([str(p) for p in paths], _settings_dict(self.settings))
            stat.items_out = self.store.add_articles(batch)
            self.store.update_duplicates(changed)
            self.store.update_dates(redated)  # ambiguous dates as their stories read them
            if stories is not None:
                self.store.replace_stories(stories)
            self.store.add_problems(run_id, problems)
        self.store.finish_run(run_id, self.stats)
        return Report(
            articles=self.store.articles(),
            stories=self.store.stories(),
            problems=problems,
            stats=self.stats,
            new_articles=stat.items_out,
        )


def _global(
    rows: np.ndarray, batch: list[Article], place: dict[str, int], stored: set[str]
) -> np.ndarray:
    """Batch positions -> positions in the run's article list (-1: dropped or already stored)."""
    out = np.full(len(rows), -1, dtype=np.int64)
    for k, r in enumerate(rows):
        if r >= 0 and batch[r].id not in stored:
            out[k] = place[batch[r].id]
    return out


def _settings_dict(settings: Settings) -> dict[str, object]:
    return {name: getattr(settings, name) for name in settings.__slots__}  # type: ignore[attr-defined]
