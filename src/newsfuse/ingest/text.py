"""Plain-text files: one article per file."""

from __future__ import annotations

from collections.abc import Iterator

from newsfuse.errors import InputError
from newsfuse.ingest.decode import decode
from newsfuse.ingest.files import InputFile, read_document
from newsfuse.ingest.identity import content_id, source_name
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings


def read_text(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    text = decode(read_document(f, settings), f.where)
    if not text or text.isspace():
        raise InputError(f.where, "empty text (the file holds only whitespace)")
    source = source_name(None, None, f.path)
    yield RawDoc(origin=f.where, text=text, id=content_id(text, source), source=source)
