"""Geometry of the small SVG charts; the templates draw it (escaped), no chart library needed.

Charts are drawn on the server so that they show without JavaScript and cost no script the
Content-Security-Policy would have to allow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


@dataclass(slots=True)
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str


@dataclass(slots=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    first: str
    last: str
    peak: int
    unit: str  # "day" or "week": what one bar counts


MIN_SLOTS = 14


def _parse(day: str) -> date | None:
    try:
        return date.fromisoformat(day[:10])
    except ValueError:
        return None


def coverage(
    days: Sequence[tuple[str, int]], width: int = 160, height: int = 36
) -> BarChart | None:
    """Articles per day (per week past ~10 weeks), oldest left; None when nothing is dated."""
    dated = sorted((d, n) for d, n in ((_parse(day), n) for day, n in days) if d is not None)
    if not dated:
        return None
    first, last = dated[0][0], dated[-1][0]
    span = (last - first).days + 1
    step = 1 if span <= 70 else 7
    # At least MIN_SLOTS slots: a one-day story is one narrow bar, not a solid block.
    slots = max((span + step - 1) // step, MIN_SLOTS)
    counts = [0] * slots
    for d, n in dated:
        counts[(d - first).days // step] += n
    peak = max(counts)
    slot_w = width / slots
    bars = []
    for k, n in enumerate(counts):
        if not n:
            continue
        h = max(2.0, (height - 2) * n / peak)
        start = first + timedelta(days=k * step)
        when = start.isoformat() if step == 1 else f"week of {start.isoformat()}"
        label = f"{when}: {n} article{'s' if n != 1 else ''}"
        bars.append(
            Bar(round(k * slot_w, 2), round(height - h, 2), round(max(slot_w - 1, 2), 2), h, label)
        )
    unit = "day" if step == 1 else "week"
    return BarChart(width, height, bars, first.isoformat(), last.isoformat(), peak, unit)


@dataclass(slots=True)
class Node:
    id: str
    number: int
    x: float
    y: float
    label: str
    detail: str
    original: bool


@dataclass(slots=True)
class Edge:
    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(slots=True)
class Graph:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


NODE_W, NODE_H = 190, 34


def provenance(
    links: Sequence[Mapping[str, Any]], entries: Sequence[Mapping[str, Any]], width: int = 720
) -> Graph | None:
    """Who copied whom: articles as boxes in columns by copy depth, arrows from the original.

    An original (derived from nothing in the story) sits in the first column; a copy sits one
    column right of what it copies, so wire -> rewrite -> rewrite-of-rewrite reads left to
    right. None when no article derives from another (then there is nothing to draw).
    """
    by_id = {e["article"]: e for e in entries}
    parent = {
        str(link["article"]): link.get("derived_from")
        for link in links
        if link.get("article") in by_id
    }
    if not any(p in by_id for p in parent.values()):
        return None
    depth: dict[str, int] = {}

    def level(aid: str, seen: frozenset[str] = frozenset()) -> int:
        if aid in depth:
            return depth[aid]
        up = parent.get(aid)
        d = 0 if up not in by_id or up in seen else level(str(up), seen | {aid}) + 1
        depth[aid] = d
        return d

    for aid in parent:
        level(aid)
    columns = max(depth.values()) + 1
    gap_x = max((width - NODE_W) / max(columns - 1, 1), NODE_W + 30) if columns > 1 else 0
    step = NODE_H + 14
    bottom: dict[int, float] = {}  # next free y in each column
    nodes: dict[str, Node] = {}
    # Column by column, each copy as level as it can be with what it copies: short arrows.
    for aid in sorted(parent, key=lambda a: (depth[a], by_id[a]["number"])):
        col = depth[aid]
        up = parent[aid]
        want = nodes[up].y if col and up in nodes else 0.0
        y = max(bottom.get(col, 0.0), want)
        bottom[col] = y + step
        e = by_id[aid]
        label = str(e.get("source") or aid)
        detail = f"[{e['number']}] {e.get('title') or aid} — {e.get('published') or 'undated'}"
        nodes[aid] = Node(aid, e["number"], col * gap_x, y, label, detail, up not in by_id)
    edges = []
    for link in links:
        child, up = link.get("article"), link.get("derived_from")
        if child in nodes and up in nodes:
            a, b = nodes[str(up)], nodes[str(child)]
            edges.append(
                Edge(
                    str(up),
                    str(child),
                    a.x + NODE_W,
                    a.y + NODE_H / 2,
                    b.x,
                    b.y + NODE_H / 2,
                    str(link.get("evidence") or ""),
                )
            )
    height = int(max(bottom.values()))
    used_width = int(max(n.x for n in nodes.values()) + NODE_W + 2)
    return Graph(used_width, height, list(nodes.values()), edges)


@dataclass(slots=True)
class Tick:
    x: float
    label: str


@dataclass(slots=True)
class Dot:
    x: float
    count: int
    label: str


@dataclass(slots=True)
class Axis:
    width: int
    ticks: list[Tick]
    dots: list[Dot]


def timeline(events: Sequence[Mapping[str, Any]], width: int = 720) -> Axis | None:
    """Events on a date axis; "2025-02" (a month) sits at the month's first day."""
    dated: dict[date, list[str]] = {}
    for ev in events:
        raw = str(ev.get("date") or "")
        d = _parse(raw) or _parse(raw + "-01") or _parse(raw + "-01-01")
        if d is not None:
            dated.setdefault(d, []).append(str(ev.get("text") or ""))
    if not dated:
        return None
    first, last = min(dated), max(dated)
    span = max((last - first).days, 1)
    pad = 24

    def at(d: date) -> float:
        return round(pad + (width - 2 * pad) * (d - first).days / span, 1)

    dots = [
        Dot(at(d), len(texts), f"{d.isoformat()}: " + " / ".join(t[:80] for t in texts[:3]))
        for d, texts in sorted(dated.items())
    ]
    ticks = [Tick(at(first), first.isoformat())]
    if last != first:
        ticks.append(Tick(at(last), last.isoformat()))
    return Axis(width, ticks, dots)
