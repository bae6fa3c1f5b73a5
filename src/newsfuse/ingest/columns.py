"""Table rows (CSV, Parquet) to RawDocs: which column is the text, the title, the date...

Corpora name their columns freely ("body", "headline", "date_publish"), so a column map
(`--map body=text,headline=title`, or Settings.column_map) says which column fills which
RawDoc field; a column named like a field fills it unless the map points another column
there. Every other column is kept in RawDoc.meta, so nothing in the file is lost.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from newsfuse.errors import InputError, SettingsError
from newsfuse.ingest.identity import content_id, source_name
from newsfuse.model import RawDoc

FIELDS = ("id", "text", "html", "title", "url", "source", "published")


def parse_column_map(spec: str) -> dict[str, str]:
    """ "body=text,headline=title" -> {"body": "text", "headline": "title"} (column -> field)."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        column, sep, target = part.partition("=")
        column, target = column.strip(), target.strip().lower()
        if not sep or not column or target not in FIELDS:
            raise SettingsError(
                f"column map entry {part.strip()!r}: write COLUMN=FIELD with FIELD one of "
                + ", ".join(FIELDS)
            )
        if target in mapping.values():
            raise SettingsError(f"column map sends two columns to {target!r}")
        mapping[column] = target
    return mapping


def resolve(columns: Sequence[str], mapping: Mapping[str, str], where: str) -> dict[str, str]:
    """Field -> column for one file's header; raises when the file cannot give any article.

    Map entries whose column a file lacks are ignored, so one map serves a batch of files
    that name their columns differently; a file left without a text or html column is one
    clear line naming the columns it has, so the user can write the map.
    """
    fields = {target: column for column, target in mapping.items() if column in columns}
    for name in FIELDS:
        if name not in fields and name in columns and name not in mapping:
            fields[name] = name
    if "text" not in fields and "html" not in fields:
        raise InputError(
            where,
            f"no 'text' or 'html' column (its columns: {_shown(columns)}); "
            "name the body column with --map COLUMN=text",
        )
    return fields


def _shown(columns: Sequence[str], limit: int = 12) -> str:
    if not columns:
        return "none"
    names = ", ".join(columns[:limit])
    return names + (f" and {len(columns) - limit} more" if len(columns) > limit else "")


def plain(value: Any) -> Any:
    """A JSON-safe copy of a cell: dates as ISO strings, bytes as base64, NaN as None."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [plain(v) for v in value]
    return str(value)


def _string(value: Any, name: str, origin: str) -> str | None:
    """A field's value as text: numbers and dates are fine, nested values are not."""
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, list | dict):
        raise InputError(origin, f"column for {name!r} holds a list or a struct, not text")
    text = str(value)
    return text if text.strip() else None


def row_to_doc(
    row: Mapping[str, Any], fields: Mapping[str, str], origin: str, path: Path
) -> RawDoc:
    """One table row to a RawDoc; raises InputError(origin) when it holds no article."""
    values = {name: _string(row.get(column), name, origin) for name, column in fields.items()}
    text, html = values.get("text"), values.get("html")
    if text is None and html is None:
        raise InputError(origin, "empty text (the text/html cell is blank)")
    for name, value in (("text", text), ("html", html)):
        if value is not None:
            if "\x00" in value:
                raise InputError(origin, f"field '{name}' contains NUL characters (binary data?)")
            values[name] = value.replace("\r\n", "\n").replace("\r", "\n")
    used = set(fields.values())
    source = source_name(values.get("source"), values.get("url"), path)
    body = values.get("text") if text is not None else values.get("html")
    return RawDoc(
        origin=origin,
        text=values.get("text"),
        html=values.get("html"),
        id=values.get("id") or content_id(body or "", source),
        title=values.get("title"),
        url=values.get("url"),
        source=source,
        published=values.get("published"),
        meta={str(k): plain(v) for k, v in row.items() if k not in used},
    )
