"""The HTML pages. Each renders the dict of its JSON route (views.py / routes.py) plus layout
helpers (paragraphs, anchors, chart geometry) computed from that same dict."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from newsfuse.api import Library
from newsfuse.web import charts, views
from newsfuse.web.render import render
from newsfuse.web.routes import (
    ID_PATTERN,
    ArticleId,
    StoryId,
    cached,
    library,
    live_story_id,
    stories_dict,
    stories_filters,
)

router = APIRouter(include_in_schema=False)

FACTS_SHOWN = 12
_NEWLINE = re.compile("\n")


def page(name: str, context: dict[str, Any]) -> HTMLResponse:
    return html(render(name, context))


def html(body: str) -> HTMLResponse:
    return HTMLResponse(body, headers={"cache-control": "no-cache"})


def paragraphs(text: str, spans: Iterable[Iterable[int]]) -> list[list[tuple[int, str]]]:
    """The text as paragraphs of (sentence number, sentence); sentences never cross lines."""
    paras: list[list[tuple[int, str]]] = []
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    current_line = -1
    for k, (start, end) in enumerate(spans):
        line = bisect_right(line_starts, start) - 1
        if line != current_line:
            paras.append([])
            current_line = line
        paras[-1].append((k, text[start:end]))
    return paras


class Anchors:
    """Maps evidence (article id, character offset) to the id of its sentence on the page."""

    def __init__(self, texts: list[dict[str, Any]]) -> None:
        self.number = {t["article"]: t["number"] for t in texts}
        self.starts = {t["article"]: [s for s, _ in t["sentences"]] for t in texts}

    def __call__(self, article: str, start: int = -1) -> str:
        n = self.number.get(article)
        if n is None:
            return ""
        starts = self.starts[article]
        k = max(bisect_right(starts, start) - 1, 0) if start >= 0 and starts else 0
        return f"a{n}-s{k}" if starts else f"a{n}"


@router.get("/", response_class=HTMLResponse)
async def stories_page(
    request: Request, filters: Annotated[dict[str, Any], Depends(stories_filters)]
) -> HTMLResponse:
    key = ("stories-page", *sorted(filters.items()))
    return html(await cached(library(request), key, lambda: _stories_html(request, filters)))


def _stories_html(request: Request, filters: dict[str, Any]) -> str:
    data = stories_dict(request, filters)
    query = filters.get("query")
    found = views.search_dict(library(request), query, 10) if query and query.strip() else None
    for story in data["stories"]:
        story["chart"] = charts.coverage([(c["day"], c["articles"]) for c in story["coverage"]])
    base = {
        "q": query,
        "since": filters["since"],
        "until": filters["until"],
        "source": filters["source"],
        "sort": filters["sort"],
    }
    return render(
        "stories.html",
        {
            "data": data,
            "found": found,
            "base": base,
            "sources": library(request).sources(),
            "title": f"Stories matching “{query}”" if query else "Stories",
        },
    )


def _claims_by_value(conflict: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in conflict.get("claims", []):
        groups[str(claim.get("value") or claim.get("text") or "?")].append(claim)
    return list(groups.items())


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: StoryId) -> Response:
    """An id that a merge or split left behind redirects to the story holding its articles
    (308; no-cache, since an alias can become a story again)."""
    lib = library(request)
    live = await live_story_id(lib, story_id)
    if live != story_id:
        return RedirectResponse(
            f"/stories/{quote(live, safe='')}", 308, headers={"cache-control": "no-cache"}
        )
    page_html = await cached(lib, ("story-page", live), lambda: _story_html(lib, live), story=live)
    return html(page_html)


def _story_html(lib: Library, story_id: str) -> str:
    """The story page; computed once per state of the story (see Library.memo)."""
    data = views.story_dict(lib, story_id, texts=True)
    analysis = views.analysis_of(data, None)
    anchors = Anchors(data["texts"])
    facts = sorted(analysis.get("facts", []), key=lambda f: -int(f.get("independent_sources") or 0))
    context = {
        "title": data["title"],
        "data": data,
        "analysis": analysis,
        "facts": facts[:FACTS_SHOWN],
        "more_facts": facts[FACTS_SHOWN:],
        "conflicts": [(c, _claims_by_value(c)) for c in analysis.get("conflicts", [])],
        "entries": {e["article"]: e for e in data["entries"]},
        "anchor": anchors,
        "paras": {t["article"]: paragraphs(t["text"], t["sentences"]) for t in data["texts"]},
        "coverage": charts.coverage(
            [(c["day"], c["articles"]) for c in data["coverage"]], width=320, height=48
        ),
        "timeline_axis": charts.timeline(analysis.get("timeline", [])),
        "graph": charts.provenance(analysis.get("provenance", []), data["entries"]),
        "copied": [p for p in analysis.get("provenance", []) if p.get("derived_from")],
        "node_w": charts.NODE_W,
        "node_h": charts.NODE_H,
    }
    return render("story.html", context)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId) -> HTMLResponse:
    data = views.article_dict(library(request), article_id)
    return page(
        "article.html",
        {
            "title": data["title"] or data["id"],
            "data": data,
            "paras": paragraphs(data["text"], data["sentences"]),
        },
    )


@router.get("/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    a: Annotated[str, Query(pattern=ID_PATTERN)],
    b: Annotated[str, Query(pattern=ID_PATTERN)],
) -> HTMLResponse:
    data = views.compare_dict(library(request), a, b)
    story = None
    if data["left"]["story"]:
        story = library(request).card(data["left"]["story"])
    return page("compare.html", {"title": "Compare", "data": data, "story": story})


__all__ = ["ArticleId", "StoryId", "router"]
