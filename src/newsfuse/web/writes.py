"""The write API: POST /api/articles, behind the bearer token.

Kept apart from the read routes: this is the only code that takes a request body, and the
only code that changes the database (through api.ingest_posted, the CLI's `ingest`).
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from newsfuse import api
from newsfuse.web.routes import library, ok
from newsfuse.web.security import token_matches

router = APIRouter(prefix="/api")

MAX_RECORDS = 1000


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
    description=(
        "Adds the articles incrementally: only the stories they reach are re-clustered. The "
        "answer lists the ids of the posted articles read (`articles`, new or already "
        "stored), the stories holding them (`stories`), the stories created or re-analysed "
        "(`stories_changed`), old story ids merged or split away with the live id each now "
        "leads to (`stories_merged`), and one line per unusable input (`problems`). "
        "201 when something was stored, 200 when everything was there already."
    ),
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
    report = done.report
    data = {
        "ok": True,
        "new_articles": report.new_articles,
        "updated_articles": report.updated_articles,
        "unchanged": report.unchanged,
        "duplicates": report.duplicates,
        "articles": done.articles,
        "stories": sorted(s for s in stories if s),
        "stories_changed": report.stories_changed,
        "stories_merged": report.stories_merged,
        "problems": [{"where": p.where, "message": p.message} for p in report.problems],
    }
    return ok(data, 201 if report.new_articles or report.updated_articles else 200)
