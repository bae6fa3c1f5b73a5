"""One ingest batch: decide everything in memory, then write it in one transaction.

The order is what makes a batch atomic and repeatable: every read and every computation
(dedup against the stored groups, online clustering, analysis, summaries) happens first,
the writes follow inside a single `Store.transaction()`, and the in-memory index learns about
the batch only after the commit. A process killed anywhere leaves the database as it was
before the batch or as it is after it.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from newsfuse.analysis import analyze
from newsfuse.analysis.readings import settle_dates
from newsfuse.brief import summarize
from newsfuse.cluster.online import Regroup, regroup
from newsfuse.cluster.pairs import EXACT_LIMIT, NEIGHBOURS
from newsfuse.cluster.profiles import day_of, text_of
from newsfuse.dedup import find_duplicates
from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.embed.encoder import get_encoder
from newsfuse.engine.index import OnlineIndex
from newsfuse.model import Analysis, Article, ArticleUpdate, filed_date
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store import incremental as rows


@dataclass(slots=True)
class Item:
    article: Article
    update: ArticleUpdate | None = None  # set when this is a new version of a stored article


@dataclass(slots=True)
class Plan:
    encoder: str
    new: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    updates: list[ArticleUpdate] = field(default_factory=list)
    relinked: list[tuple[str, str | None, float | None]] = field(default_factory=list)
    redated: list[Article] = field(default_factory=list)  # ambiguous dates the stories settled
    index_rows: list[rows.IndexRow] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # newly encoded
    regroup: Regroup = field(default_factory=Regroup)
    seconds: dict[str, float] = field(default_factory=dict)  # per step, for the stats

    def lap(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - since
        return now


def plan(store: Store, index: OnlineIndex, items: list[Item], settings: Settings) -> Plan:
    started = time.perf_counter()
    batch = [i.article for i in items]
    out = Plan(
        encoder=settings.encoder,
        new=[i.article for i in items if i.update is None],
        updated=[i.article for i in items if i.update is not None],
        updates=[i.update for i in items if i.update is not None],
    )
    ids = {a.id for a in batch}
    index.recall(store, [day_of(filed_date(a)) for a in batch], settings.time_window_days)
    tokens = [words(a.text) for a in batch]
    keys = [exact_key(t) for t in tokens]
    sigs = signatures(tokens, settings.minhash_permutations)
    hits = index.near(keys, sigs) | {a.id for a in out.updated}
    group = store.read_with(rows.duplicate_group, sorted(hits)) - ids
    stored = store.articles(sorted(group))
    before = {a.id: (a.duplicate_of, a.duplicate_score) for a in stored}
    find_duplicates(batch + stored, settings)
    out.relinked = [
        (a.id, a.duplicate_of, a.duplicate_score)
        for a in stored
        if before[a.id] != (a.duplicate_of, a.duplicate_score)
    ]
    touched = ids | {r[0] for r in out.relinked}
    started = out.lap("dedup", started)
    dated = [d for d in (day_of(filed_date(a)) for a in batch) if not math.isnan(d)]
    newest = max([*dated, index.newest() or -math.inf]) if dated or len(index) else None
    newest = None if newest is None or math.isinf(newest) else newest
    for a, key, sig in zip(batch, keys, sigs, strict=True):
        day = day_of(filed_date(a))
        keep = day if not math.isnan(day) else newest
        out.index_rows.append(
            rows.IndexRow(a.id, _none(day), keep, key, sig.astype("<u4").tobytes())
        )
    originals = [a for a in batch if a.duplicate_of is None]
    _encode(originals, out.vectors, settings)
    started = out.lap("embed", started)
    window = math.inf if len(index) + len(batch) <= EXACT_LIMIT else settings.time_window_days
    whole = len(index) + len(batch) <= settings.recluster_limit
    near = (
        set(index.ids)
        if whole
        else index.neighbours(
            np.stack([out.vectors[a.id] for a in originals]) if originals else np.zeros((0, 1)),
            np.array([day_of(filed_date(a)) for a in originals]),
            NEIGHBOURS,
            window,
        )
    )
    anchors = touched | near | {a.duplicate_of for a in batch if a.duplicate_of} - ids
    old_of = store.read_with(rows.stories_of, sorted(anchors - {a.id for a in out.new}))
    old = store.read_with(rows.story_members, sorted(set(old_of.values())))
    wanted = {m for members in old.values() for m in members} | touched
    known = {a.id: a for a in stored}
    loaded = store.articles(sorted(wanted - ids - set(known)))
    articles = batch + list(known.values()) + loaded
    articles = [a for a in articles if a.id in wanted or a.id in ids]
    started = out.lap("neighbours", started)
    vectors = _vectors(store, index, articles, out.vectors, settings)
    started = out.lap("embed", started)
    out.regroup = regroup(
        articles,
        touched,
        old,
        settings,
        vectors,
        lambda c: store.read_with(rows.taken_ids, c),
        whole,
    )
    started = out.lap("cluster", started)
    for r in out.index_rows:
        if r.article_id in out.vectors:
            r.meaning, r.encoder = out.vectors[r.article_id].tobytes(), settings.encoder
    by_id = {a.id: a for a in articles}
    out.redated = settle_dates(out.regroup.changed, by_id, settings.time_window_days)
    _analyse(store, out, by_id, settings)
    out.lap("analyse+brief", started)
    return out


def _none(day: float) -> float | None:
    return None if math.isnan(day) else day


def _encode(articles: list[Article], into: dict[str, np.ndarray], settings: Settings) -> None:
    todo = [a for a in articles if a.id not in into]
    if todo:
        encoder = get_encoder(settings.encoder, settings.cache_dir)
        for a, v in zip(todo, encoder.encode([text_of(a) for a in todo]), strict=True):
            into[a.id] = np.asarray(v, dtype=np.float32)


def _vectors(
    store: Store,
    index: OnlineIndex,
    articles: list[Article],
    fresh: dict[str, np.ndarray],
    settings: Settings,
) -> dict[str, np.ndarray]:
    """Embeddings of every neighbourhood article: memory, then the database, then encoded."""
    vectors: dict[str, np.ndarray] = {}
    missing = []
    for a in articles:
        v = fresh.get(a.id)
        if v is None:
            v = index.vector(a.id)
        if v is None:
            missing.append(a)
        else:
            vectors[a.id] = v
    blobs = store.read_with(rows.meanings, [a.id for a in missing], settings.encoder)
    for a in missing:
        if a.id in blobs:
            vectors[a.id] = np.frombuffer(blobs[a.id], dtype=np.float32)
    _encode([a for a in missing if a.id not in vectors], fresh, settings)
    vectors.update({a.id: fresh[a.id] for a in missing if a.id in fresh})
    return vectors


def _analyse(store: Store, out: Plan, by_id: dict[str, Article], settings: Settings) -> None:
    """Analysis and summary for changed stories only, with the member updates attached."""
    changed = out.regroup.changed
    members = sorted({a for s in changed for a in s.articles})
    known = store.read_with(rows.updates_of, members) + out.updates
    for story in changed:
        inside = set(story.articles)
        story.analysis = analyze(story, by_id, settings) if settings.analysis else Analysis()
        story.analysis.updates = _latest([u for u in known if u.article in inside])
        story.summary = summarize(story, by_id, settings)


def _latest(updates: list[ArticleUpdate]) -> list[ArticleUpdate]:
    seen: dict[tuple[str, int], ArticleUpdate] = {}
    for u in updates:
        seen[(u.article, u.version)] = u
    return sorted(seen.values(), key=lambda u: (u.article, u.version))


def commit(store: Store, out: Plan) -> None:
    """Every write of the batch in one transaction."""
    started = time.perf_counter()
    now = store.now()
    with store.transaction():
        store.add_articles(out.new)
        for article in out.updated:
            store.write_with(rows.replace_article, article, now)
        store.update_duplicates(out.relinked)
        store.update_dates(out.redated)
        store.write_with(rows.put_index, out.index_rows)
        stored = [(k, v.tobytes()) for k, v in out.vectors.items() if k not in _ids(out)]
        store.write_with(rows.set_meaning, stored, out.encoder)
        store.write_with(rows.add_updates, out.updates)
        regroup = out.regroup
        store.upsert_stories(regroup.changed, regroup.removed)
        store.write_with(rows.add_aliases, regroup.aliases, now)
    out.lap("commit", started)


def _ids(out: Plan) -> set[str]:
    return {r.article_id for r in out.index_rows}


def apply(index: OnlineIndex, out: Plan) -> None:
    """After the commit: the index learns the batch, then forgets what fell out of retention."""
    copies = {a.id: a.duplicate_of is not None for a in out.new + out.updated}
    for r in out.index_rows:
        r.duplicate_of = "?" if copies.get(r.article_id) else None
    index.add(out.index_rows)
    index.set_copies({k: d is not None for k, d, _ in out.relinked})
    index.set_meaning({k: v for k, v in out.vectors.items() if k not in _ids(out)})
    index.evict()
