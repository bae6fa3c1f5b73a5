"""Static files and the offline API docs page.

The files under static/ are read once into memory, keyed by their name; a request can only
pick one of those keys, so no part of a URL ever becomes a file-system path. Swagger UI is
vendored (npm swagger-ui-dist, Apache-2.0; see static/vendor/swagger-ui/NOTICE), so the docs
page works with no network.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

router = APIRouter(include_in_schema=False)

_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


@cache
def _files() -> dict[str, tuple[bytes, str, str]]:
    """name -> (content, content type, short hash) for every file shipped under static/."""
    found: dict[str, tuple[bytes, str, str]] = {}
    root = resources.files("newsfuse.web") / "static"

    def walk(folder: resources.abc.Traversable, prefix: str) -> None:
        for entry in folder.iterdir():
            name = prefix + entry.name
            if entry.is_dir():
                walk(entry, name + "/")
                continue
            kind = _TYPES.get("." + entry.name.rsplit(".", 1)[-1].lower())
            if kind is None:
                continue
            data = entry.read_bytes()
            found[name] = (data, kind, hashlib.sha256(data).hexdigest()[:10])

    walk(root, "")
    return found


def asset_url(name: str) -> str:
    """The URL of a shipped file, with its content hash so browsers may cache it for good."""
    return f"/static/{name}?v={_files()[name][2]}"


@router.get("/static/{name:path}")
def static(name: str) -> Response:
    found = _files().get(name)
    if found is None:
        raise HTTPException(404, f"no such file: {name[:100]}")
    data, kind, digest = found
    return Response(
        data,
        media_type=kind,
        headers={"cache-control": "public, max-age=31536000, immutable", "etag": f'"{digest}"'},
    )


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    from newsfuse.web.render import render

    return HTMLResponse(render("docs.html", {"title": "API"}))
