"""What a Dask worker runs: the real stage functions, called on one partition at a time.

Each task is a plain top-level function over plain dataclasses, so the same code runs in
the client, a LocalCluster worker or a worker on another machine; none of them touches the
database (the client process is its only writer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from newsfuse.analysis import analyze
from newsfuse.brief import summarize
from newsfuse.dedup import fingerprint_rows
from newsfuse.engine.pool import clean_all
from newsfuse.ingest import read_paths
from newsfuse.model import Analysis, Article, Problem, Story, SummarySentence
from newsfuse.settings import Settings


@dataclass(slots=True)
class Part:
    """One partition of input files, read, cleaned and fingerprinted.

    `items` keeps input order with each bad record's Problem in its place, so the client can
    apply the same first-id-wins rule as the local engine; keys and sigs have one entry per
    Article of `items`, in that order.
    """

    items: list[Article | Problem] = field(default_factory=list)
    read_problems: list[Problem] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    sigs: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint32))


def read_part(wheres: list[str], settings: Settings) -> Part:
    """Read, clean and fingerprint files as the walk named them (paths must reach the worker)."""
    part = Part()
    raws = read_paths(wheres, settings, part.read_problems)
    part.items = list(clean_all(raws, settings, 1))  # one process per worker: no nested pool
    part.keys, part.sigs = fingerprint_rows(
        [a for a in part.items if isinstance(a, Article)], settings
    )
    return part


def fingerprint_part(articles: list[Article], settings: Settings) -> Part:
    """Fingerprints of articles already stored (the client has the articles themselves)."""
    keys, sigs = fingerprint_rows(articles, settings)
    return Part(keys=keys, sigs=sigs)


Briefed = tuple[str, Analysis | None, list[SummarySentence]]


def brief_stories(
    stories: list[Story], articles: list[Article], settings: Settings
) -> list[Briefed]:
    """Analysis (when enabled) and cited summary of each story, from its member articles."""
    by_id = {a.id: a for a in articles}
    out: list[Briefed] = []
    for story in stories:
        story.analysis = analyze(story, by_id, settings) if settings.analysis else None
        # the summary leans on the analysis's facts, as in the local engine
        out.append((story.id, story.analysis, summarize(story, by_id, settings)))
    return out
