"""The JSON API under /api. Each handler returns what one function of views.py builds.

Ids are validated before they reach the store (length, no control characters); they are
only ever SQL parameters, never paths.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from newsfuse import api
from newsfuse.web import views
from newsfuse.web.security import token_matches

router = APIRouter(prefix="/api")
T = TypeVar("T")

ID_PATTERN = r"^[^\x00-\x1f\x7f]{1,256}$"
DATE_PATTERN = r"^(\d{4}-\d{2}-\d{2})?$"  # empty: no filter
MAX_RECORDS = 1000
StoryId = Annotated[str, Path(pattern=ID_PATTERN, description="A story id from /api/stories.")]
ArticleId = Annotated[str, Path(pattern=ID_PATTERN, description="An article id.")]
Sort = Literal["recent", "oldest", "articles", "sources", "relevance"]


def library(request: Request) -> api.Library:
    lib: api.Library = request.app.state.library
    return lib


def ok(data: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status)


async def cached(lib: api.Library, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """`build()` once per database state (Library.memo). A hit is answered on the event loop;
    only a miss pays for the hop to a worker thread, where reading and rendering run."""
    hit = lib.peek(key)
    if hit is not None:
        return hit  # type: ignore[no-any-return]
    return await run_in_threadpool(lib.memo, key, build)


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


@router.get("/stories/{story_id}", summary="One story: brief, citations' evidence, analysis")
async def get_story(
    request: Request,
    story_id: StoryId,
    texts: Annotated[bool, Query(description="Include the member articles' texts.")] = False,
) -> Response:
    lib = library(request)
    body = await cached(
        lib,
        ("api-story", story_id, texts),
        lambda: json_bytes(views.story_dict(lib, story_id, texts=texts)),
    )
    return ok_bytes(body)


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


class ArticleIn(BaseModel):
    """One article to ingest, as a JSONL line of the CLI's input holds it."""

    model_config = ConfigDict(extra="allow")  # other fields are kept as metadata

    text: str | None = Field(None, max_length=5_000_000)
    html: str | None = Field(None, max_length=5_000_000)
    title: str | None = Field(None, max_length=2000)
    url: str | None = Field(None, max_length=4000)
    source: str | None = Field(None, max_length=300)
    published: str | None = Field(None, max_length=100)
    id: str | int | None = None

    @model_validator(mode="after")
    def has_body(self) -> ArticleIn:
        if not (self.text or self.html):
            raise ValueError("an article needs 'text' or 'html'")
        return self


class ArticlesIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_RECORDS)


_INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        {"$ref": "#/components/schemas/ArticlesIn"},
                        {"$ref": "#/components/schemas/ArticleIn"},
                        {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}},
                    ]
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            },
        },
    },
    "security": [{"bearer": []}],
}


def openapi_components() -> dict[str, Any]:
    """Schemas the ingest body refers to (it is parsed by hand, so FastAPI cannot list them)."""
    ref = "#/components/schemas/{model}"
    many = ArticlesIn.model_json_schema(ref_template=ref)
    many.pop("$defs", None)
    return {
        "schemas": {"ArticleIn": ArticleIn.model_json_schema(ref_template=ref), "ArticlesIn": many},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    }


def _require_token(request: Request) -> None:
    """403 without the right bearer token; 429 for a client that keeps sending wrong ones."""
    expected = request.app.state.token
    if not expected:
        raise HTTPException(
            403, "writes are disabled: start the server with --token or NEWSFUSE_TOKEN"
        )
    attempts = request.app.state.attempts
    client = request.client.host if request.client else "unknown"
    wait = attempts.wait(client)
    if wait:
        raise HTTPException(
            429,
            f"too many wrong tokens from this address; try again in {math.ceil(wait)} s",
            headers={"retry-after": str(math.ceil(wait))},
        )
    if not token_matches(expected, request.headers.get("authorization")):
        attempts.failed(client)
        raise HTTPException(403, "a valid 'Authorization: Bearer <token>' header is required")


async def _records(request: Request) -> list[dict[str, Any]]:
    try:
        raw = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise HTTPException(400, "the body is not valid JSON") from None
    try:
        if isinstance(raw, dict) and "articles" in raw:
            parsed = ArticlesIn.model_validate(raw).articles
        elif isinstance(raw, list):
            parsed = ArticlesIn.model_validate({"articles": raw}).articles
        else:
            parsed = [ArticleIn.model_validate(raw)]
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise HTTPException(422, f"invalid article: {where or 'body'}: {first['msg']}") from None
    return [r.model_dump(exclude_none=True) for r in parsed]


async def _files(request: Request) -> list[tuple[str, bytes]]:
    form = await request.form(max_files=MAX_RECORDS, max_fields=MAX_RECORDS)
    uploads = [v for _, v in form.multi_items() if isinstance(v, UploadFile)]
    if not uploads:
        raise HTTPException(422, "no files in the form; send them as 'files'")
    return [(u.filename or "upload", await u.read()) for u in uploads]


@router.post(
    "/articles",
    summary="Ingest articles (JSON or uploaded files); needs the bearer token",
    openapi_extra=_INGEST_BODY,
    status_code=201,
)
async def post_articles(request: Request) -> JSONResponse:
    _require_token(request)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    records: list[dict[str, Any]] = []
    files: list[tuple[str, bytes]] = []
    if kind == "application/json":
        records = await _records(request)
    elif kind == "multipart/form-data":
        files = await _files(request)
    else:
        raise HTTPException(415, "send application/json or multipart/form-data")
    app = request.app

    def work() -> api.Ingested:
        with app.state.ingest_lock:
            done = api.ingest_posted(app.state.db, records, files, settings=app.state.settings)
            app.state.library.invalidate()
            return done

    done = await run_in_threadpool(work)
    lib = library(request)
    stories = {lib.story_of(a) for a in done.articles}
    data = {
        "ok": True,
        "new_articles": done.report.new_articles,
        "articles": done.articles,
        "stories": sorted(s for s in stories if s),
        "problems": [{"where": p.where, "message": p.message} for p in done.report.problems],
    }
    return ok(data, 201 if done.report.new_articles else 200)
