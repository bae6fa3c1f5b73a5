"""The FastAPI application: one factory, so tests, `newsfuse serve` and uvicorn build it alike.

Errors leave in one shape ({"ok": false, "error", "status"}) with the right status code and
never a stack trace; pages get the same message as an HTML page. The database is only ever
opened read-only here, except by an ingest, which goes through the CLI's engine.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from newsfuse import api
from newsfuse.errors import NewsfuseError, NotFoundError, StoreError
from newsfuse.settings import Settings
from newsfuse.web import assets, pages, routes, writes
from newsfuse.web.render import render
from newsfuse.web.security import Attempts, Guard, envelope

log = logging.getLogger("newsfuse.web")

TOKEN_ENV = "NEWSFUSE_TOKEN"
SERVE_DB_ENV = "NEWSFUSE_SERVE_DB"  # how `newsfuse serve --workers N` names the database


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path == "/api":
        return False
    return "text/html" in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_html(request):
        body = render("error.html", {"status": status, "message": message})
        return HTMLResponse(body, status_code=status)
    return Response(envelope(status, message), status_code=status, media_type="application/json")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def create_app(
    db: str | Path = api.DEFAULT_DB,
    *,
    token: str | None = None,
    settings: Settings | None = None,
    max_body: int | None = None,
) -> FastAPI:
    """The web app over the database `db` (created empty when missing).

    Writes (POST /api/articles) need `token` (else NEWSFUSE_TOKEN); without one they are
    refused with 403, so a server started without a token is read-only. Request bodies over
    `max_body` (else the max_request_bytes setting) are refused with 413.
    """
    settings = settings or Settings.from_env()
    token = token or os.environ.get(TOKEN_ENV) or None
    limit = max_body if max_body is not None else settings.max_request_bytes
    api.ensure_db(db)  # the server can start before the first ingest
    app = FastAPI(
        title="newsfuse",
        version="1",
        summary="Stories fused from many news reports, with the evidence for every sentence.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.library = api.Library(db)
    app.state.db = str(db)
    app.state.token = token
    app.state.settings = settings
    app.state.ingest_lock = threading.Lock()
    app.state.max_body = limit
    app.state.attempts = Attempts(settings.token_failures, window=60.0)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        if exc.status_code == 405:
            message = f"method {request.method} is not allowed here"
        response = _error(request, exc.status_code, message)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, _validation_message(exc))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return _error(request, 503, "the database is unavailable; try again shortly")

    @app.exception_handler(NewsfuseError)
    async def bad_input(request: Request, exc: NewsfuseError) -> Response:
        return _error(request, 400, str(exc))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            components = schema.setdefault("components", {})
            for key, values in writes.openapi_components().items():
                components.setdefault(key, {}).update(values)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.include_router(routes.router)
    app.include_router(writes.router)
    app.include_router(pages.router)
    app.include_router(assets.router)
    app.add_middleware(Guard, max_body=limit)
    return app


def app_from_env() -> FastAPI:
    """The app for uvicorn's worker processes, which can only import a factory by name."""
    return create_app(os.environ.get(SERVE_DB_ENV, api.DEFAULT_DB))
