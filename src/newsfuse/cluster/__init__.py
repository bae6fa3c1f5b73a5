"""Cluster stage: cleaned articles -> stories, one per real-world event.

Reports of one event share words, meaning, names and days; two events of the same kind
(two celebrities entering rehab years apart) share only the first two. So each pair of
articles gets a learned probability of being the same event from all four views
(scorer.py, with the evidence built in evidence.py), pairs are found exactly for small
inputs and by time-window blocking for large ones (pairs.py), and average linkage cuts
where "same event" stops being more likely than not (linkage.py). The scorer looks twice:
the second look asks whether the reports matched with one article are those matched with
the other, because "same event" is transitive and a pair's own wording can mislead both
ways. Copies found by dedup skip all of this and join their original's story.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np

from newsfuse.cluster import explain, linkage, pairs, profiles, scorer
from newsfuse.errors import InputError
from newsfuse.model import Article, Story
from newsfuse.settings import Settings

__all__ = ["cluster", "from_profiles"]


def cluster(articles: list[Article], settings: Settings) -> list[Story]:
    """Stories, largest first; the same input always gives the same stories and ids."""
    return run(articles, settings)


def _originals(articles: list[Article]) -> tuple[list[Article], dict[int, list[Article]]]:
    """Articles to cluster, and the copies that follow each (by position in the first list)."""
    by_id = {a.id: a for a in articles}

    def root(a: Article) -> Article:
        seen = {a.id}
        while a.duplicate_of is not None and a.duplicate_of in by_id:
            nxt = by_id[a.duplicate_of]
            if nxt.id in seen:  # a cycle: the smallest id of it stands as the original
                return by_id[min(seen)]
            seen.add(nxt.id)
            a = nxt
        return a

    roots = {a.id: root(a) for a in articles}
    originals = [a for a in articles if roots[a.id].id == a.id]
    position = {a.id: k for k, a in enumerate(originals)}
    copies: dict[int, list[Article]] = {}
    for a in articles:
        if roots[a.id].id != a.id:
            copies.setdefault(position[roots[a.id].id], []).append(a)
    return originals, copies


def run(
    articles: list[Article],
    settings: Settings,
    weights: scorer.Weights | None = None,
    names: str = "cheap",
    vectors: Mapping[str, np.ndarray] | None = None,
) -> list[Story]:
    """cluster() with a chosen scorer and name extractor (eval/clustering.py compares them);
    `vectors` are stored embeddings by article id (incremental ingest skips re-encoding)."""
    originals, copies = _prepare(articles)
    if not originals:
        return []
    prof = profiles.build(originals, settings, names, vectors)
    return _stories(prof, originals, copies, settings, weights)


def from_profiles(
    articles: list[Article], prof: profiles.Profiles, settings: Settings
) -> list[Story]:
    """cluster() with the originals' profiles built elsewhere (the streaming engine builds
    them from the store a block at a time, so no text stays in memory): `articles` need the
    ids, dates, sources, duplicate links and headlines (explain.headline) only; `prof` has one
    row per original, in id order, as profiles.build() would."""
    originals, copies = _prepare(articles)
    if [a.id for a in originals] != prof.ids:
        raise ValueError("profiles must have one row per original article, in id order")
    return _stories(prof, originals, copies, settings, None) if originals else []


def _prepare(articles: list[Article]) -> tuple[list[Article], dict[int, list[Article]]]:
    ordered = sorted(articles, key=lambda a: a.id)  # input order must not matter
    for a, b in itertools.pairwise(ordered):
        if a.id == b.id:
            raise InputError(a.origin, f"article id {a.id!r} occurs twice")
    return _originals(ordered)


def _stories(
    prof: profiles.Profiles,
    originals: list[Article],
    copies: dict[int, list[Article]],
    settings: Settings,
    weights: scorer.Weights | None,
) -> list[Story]:
    chosen = weights if weights is not None else scorer.WEIGHTS[settings.encoder]
    scan = pairs.scan(prof, settings.time_window_days)
    stories = []
    for members, prob in linkage.group(prof, scan, chosen, settings.cluster_threshold):
        index = np.asarray(members)
        meaning = prof.meaning[index] @ prof.meaning[index].T if len(members) > 1 else prob
        stories.append(explain.build_story(prof, originals, members, copies, prob, meaning))
    stories.sort(key=lambda s: (-len(s.articles), s.first_seen or "~", s.id))
    return stories
