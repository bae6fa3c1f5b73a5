"""Online clustering: fold a batch of new articles into stored stories.

The batch is not scored by a second, simplified method: the cluster stage itself (profiles,
pair scan, learned scorer, average linkage, explanations) runs over a neighbourhood of the
batch: its articles, the stored originals nearest in meaning within the time window, and
every member of the stories those belong to. Only groups that hold a new or changed article
are taken from that run, closed over the stored stories they touch, so a story the batch
does not reach is never rewritten; docs/INCREMENTAL.md measures where this differs from
clustering everything at once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from newsfuse.cluster import run
from newsfuse.model import Article, Story
from newsfuse.settings import Settings


@dataclass(slots=True)
class Regroup:
    changed: list[Story] = field(default_factory=list)  # stories to (re)write, final ids
    unchanged: list[str] = field(default_factory=list)  # touched, but same id and members
    removed: list[str] = field(default_factory=list)  # old ids no longer live
    aliases: list[tuple[str, str, str]] = field(default_factory=list)  # old, new, reason


def regroup(
    neighbourhood: list[Article],
    touched: set[str],
    old: Mapping[str, list[str]],
    settings: Settings,
    vectors: Mapping[str, np.ndarray],
    taken: Callable[[set[str]], set[str]],
    whole: bool = False,
) -> Regroup:
    """Stories for the touched articles; `old` maps stored story ids to their members and
    `taken(ids)` says which ids already name a story or an alias.

    `whole`: the neighbourhood is everything indexed, so any group that differs from the
    stored stories is taken too (a new report can change how older ones group).
    """
    found = run(neighbourhood, settings, vectors=vectors)
    group_of = {aid: k for k, story in enumerate(found) for aid in story.articles}
    story_of = {aid: sid for sid, members in old.items() for aid in members}
    accepted: set[int] = set()
    affected: set[str] = set()
    frontier = [group_of[t] for t in touched if t in group_of]
    if whole:
        stored = {frozenset(members) for members in old.values()}
        frontier += [k for k, s in enumerate(found) if frozenset(s.articles) not in stored]
    while frontier:
        g = frontier.pop()
        if g in accepted:
            continue
        accepted.add(g)
        for aid in found[g].articles:
            sid = story_of.get(aid)
            if sid is not None and sid not in affected:
                affected.add(sid)
                frontier += [group_of[m] for m in old[sid] if m in group_of]
    groups = [found[g] for g in sorted(accepted)]
    return _name(groups, {s: set(old[s]) for s in affected}, touched, taken)


def _name(
    groups: list[Story],
    old: dict[str, set[str]],
    touched: set[str],
    taken: Callable[[set[str]], set[str]],
) -> Regroup:
    """Give each group a stable id: the old story it holds most of keeps its id."""
    overlaps = sorted(
        (
            (-len(old[sid] & set(g.articles)), sid, k)
            for k, g in enumerate(groups)
            for sid in old
            if old[sid] & set(g.articles)
        ),
    )
    id_of: dict[int, str] = {}
    used: set[str] = set()
    for _, sid, k in overlaps:
        if k not in id_of and sid not in used:
            id_of[k], used = sid, used | {sid}
    fresh = [k for k in range(len(groups)) if k not in id_of]
    blocked = taken({groups[k].id for k in fresh}) | set(old)
    for k in fresh:
        id_of[k] = _free_id(groups[k], blocked | set(id_of.values()), taken)
    out = Regroup()
    for k, story in enumerate(groups):
        story.id = id_of[k]
        same = old.get(story.id) == set(story.articles)
        if same and not touched & set(story.articles):
            out.unchanged.append(story.id)
        else:
            out.changed.append(story)
    for sid in sorted(set(old) - used):
        holders = Counter(
            id_of[k] for k, g in enumerate(groups) for a in g.articles if a in old[sid]
        )
        target = min(holders, key=lambda t: (-holders[t], t))
        mixed = sum(1 for s in old if old[s] & set(_members(groups, id_of, target))) > 1
        out.removed.append(sid)
        out.aliases.append((sid, target, "merged" if mixed else "split"))
    return out


def _members(groups: list[Story], id_of: dict[int, str], target: str) -> Iterable[str]:
    return next(g.articles for k, g in enumerate(groups) if id_of[k] == target)


def _free_id(story: Story, blocked: set[str], taken: Callable[[set[str]], set[str]]) -> str:
    """The at-once id (named after the smallest member) unless an old story or alias has it."""
    candidate, n = story.id, 0
    while candidate in blocked or taken({candidate}):
        n += 1
        digest = hashlib.sha1(f"{min(story.articles)}#{n}".encode()).hexdigest()[:12]
        candidate = "s" + digest
    return candidate
