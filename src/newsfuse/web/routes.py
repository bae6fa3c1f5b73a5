"""The read side of the JSON API under /api (writes.py has the one write). Each handler
returns what one function of views.py builds.

Ids are validated before they reach the store (length, no control characters); they are
only ever SQL parameters, never paths.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from newsfuse import api
from newsfuse.errors import NotFoundError
from newsfuse.web import views

router = APIRouter(prefix="/api")
T = TypeVar("T")

ID_PATTERN = r"^[^\x00-\x1f\x7f]{1,256}$"
DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"  # empty: no filter
StoryId = Annotated[str, Path(pattern=ID_PATTERN, description="A story id from /api/stories.")]
ArticleId = Annotated[str, Path(pattern=ID_PATTERN, description="An article id.")]
Sort = Literal["recent", "oldest", "articles", "sources", "relevance"]


def library(request: Request) -> api.Library:
    lib: api.Library = request.app.state.library
    return lib


def live_story(lib: api.Library, story_id: str) -> str:
    """The id of the story `story_id` names now: itself, or where the aliases that merges
    and splits leave behind lead (api.story follows them too); NotFoundError otherwise."""
    try:
        return lib.card(story_id).id
    except NotFoundError:
        return lib.store.resolve_story(story_id)


async def live_story_id(lib: api.Library, story_id: str) -> str:
    return await cached(lib, ("live-story", story_id), lambda: live_story(lib, story_id))


def ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def cached(
    lib: api.Library, key: tuple[Any, ...], build: Callable[[], T], story: str | None = None
) -> T:
    """`build()` once per database state, or per state of `story` (Library.memo). A hit is
    answered on the event loop; only a miss pays for the hop to a worker thread."""
    hit = lib.peek(key, story)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    return await run_in_threadpool(lib.memo, key, build, story)


def json_bytes(data: dict[str, Any]) -> bytes:
    return bytes(JSONResponse(data).body)


def ok_bytes(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _day(name: str, value: str | None) -> str | None:
    """A YYYY-MM-DD day, or None for a blank field (an HTML form sends empty fields)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise HTTPException(422, f"invalid request: {name}: {value!r} is not a day") from None


async def stories_filters(
    q: Annotated[str | None, Query(max_length=500, description="Full-text query.")] = None,
    since: Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY-MM-DD")] = None,
    source: Annotated[str | None, Query(max_length=300)] = None,
    sort: Annotated[
        Sort | Literal[""] | None, Query(description="Default: relevance with q, else recent.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The filters of the stories list; empty values mean "no filter", as forms send them."""
    return {
        "query": q if q and q.strip() else None,
        "since": _day("since", since),
        "until": _day("until", until),
        "source": source or None,
        "sort": sort or None,
        "limit": limit,
        "offset": offset,
    }


def stories_dict(request: Request, filters: dict[str, Any]) -> dict[str, Any]:
    page = library(request).find_stories(**filters)
    data = views.page_dict(page)
    data["filters"] = {k: v for k, v in filters.items() if k not in ("limit", "offset")}
    return data


@router.get("/stories", summary="Stories, paged, with full-text, date and source filters")
async def list_stories(
    request: Request, filters: Annotated[dict[str, Any], Depends(stories_filters)]
) -> Response:
    key = ("api-stories", *sorted(filters.items()))
    return ok_bytes(
        await cached(library(request), key, lambda: json_bytes(stories_dict(request, filters)))
    )


@router.get(
    "/stories/{story_id}",
    summary="One story: brief, citations' evidence, analysis",
    description=(
        "Story ids are stable: a story keeps its id as articles join it. When stories merge "
        "(or one splits), an old id keeps working: it is answered with the live story "
        "(200, no redirect to follow), whose `id` field names it, and a `Content-Location` "
        "header gives its canonical URL. The HTML page /stories/{old id} redirects (308)."
    ),
)
async def get_story(
    request: Request,
    story_id: StoryId,
    texts: Annotated[bool, Query(description="Include the member articles' texts.")] = False,
) -> Response:
    lib = library(request)
    live = await live_story_id(lib, story_id)
    body = await cached(
        lib,
        ("api-story", live, texts),
        lambda: json_bytes(views.story_dict(lib, live, texts=texts)),
        story=live,
    )
    response = ok_bytes(body)
    if live != story_id:
        response.headers["content-location"] = f"/api/stories/{quote(live, safe='')}"
    return response


@router.get("/articles/{article_id}", summary="One article: text, removed clutter, copies")
def get_article(request: Request, article_id: ArticleId) -> JSONResponse:
    return ok(views.article_dict(library(request), article_id))


@router.get("/search", summary="Stories and articles matching a query, with snippets")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> JSONResponse:
    return ok(views.search_dict(library(request), q, limit))


@router.get("/compare", summary="Two articles side by side: shared and own sentences")
def compare(
    request: Request,
    a: Annotated[str, Query(pattern=ID_PATTERN)],
    b: Annotated[str, Query(pattern=ID_PATTERN)],
) -> JSONResponse:
    return ok(views.compare_dict(library(request), a, b))


@router.get("/sources", summary="Every source (outlet) in the database")
def sources(request: Request) -> JSONResponse:
    return ok({"sources": library(request).sources()})
