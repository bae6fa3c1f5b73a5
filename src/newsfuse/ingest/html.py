"""Saved web pages: one article per file, markup kept for the cleaning stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsfuse.errors import InputError
from newsfuse.ingest.decode import decode
from newsfuse.ingest.files import InputFile, read_document
from newsfuse.ingest.identity import content_id, source_name
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

# Browsers only honour a declaration within the first 1024 bytes; we look a little further.
_HEAD_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The charset a page states in `<meta charset>` or its http-equiv form."""
    match = _META_CHARSET.search(data[:_HEAD_BYTES])
    return match.group(1).decode("ascii") if match else None


def read_html(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    data = read_document(f, settings)
    html = decode(data, f.where, declared=declared_charset(data), html=True)
    if not html or html.isspace():
        raise InputError(f.where, "empty text (the file holds only whitespace)")
    source = source_name(None, None, f.path)
    yield RawDoc(origin=f.where, html=html, id=content_id(html, source), source=source)
