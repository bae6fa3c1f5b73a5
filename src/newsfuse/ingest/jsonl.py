"""JSON Lines: one article per line, read one line at a time.

A JSONL file may hold millions of articles, so it is never loaded whole: memory stays bounded
by the per-line limit, an over-long line is skipped in chunks, and a bad line costs that line
only (one problem naming `path:line`), never the rest of the file.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, cast

from newsfuse.errors import InputError
from newsfuse.ingest.decode import BINARY_MESSAGE, has_utf16_bom, normalise_newlines
from newsfuse.ingest.files import InputFile, Stream, lower_first, open_input
from newsfuse.ingest.identity import content_id, source_name
from newsfuse.ingest.tally import Tally
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

_KNOWN = frozenset({"id", "text", "html", "title", "url", "source", "published"})
_STRINGS = ("text", "html", "title", "url", "source", "published")
_SNIFF_BYTES = 8192
_SKIP_CHUNK = 1 << 16
# Cheap pre-check: only lines with a surrogate escape can decode to an unencodable string.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _BadLine(NamedTuple):
    message: str


Line = tuple[int, str | _BadLine]


def read_jsonl(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    tally = Tally(problems)
    with open_input(f) as stream:
        head = stream.read(_SNIFF_BYTES)
        if not head:
            raise InputError(f.where, "empty file")
        stream.rewind()
        if has_utf16_bom(head):
            lines = _utf16_lines(stream, settings)
        elif b"\x00" in head:
            raise InputError(f.where, BINARY_MESSAGE)
        else:
            lines = _utf8_lines(stream, settings)
        for lineno, line in lines:
            origin = f"{f.where}:{lineno}"
            if isinstance(line, _BadLine):
                tally.refuse(origin, line.message)
            elif line.strip() and (doc := tally.take(parse_record, line, origin, f.path)):
                yield doc
    if tally.empty:
        raise InputError(f.where, "no records (the file holds only blank lines)")


def _check_total(stream: Stream, settings: Settings) -> None:
    """Stop a gzip bomb: plain files stream at constant memory, so only gzip needs a cap."""
    if stream.compressed and stream.tell() > settings.max_decompressed_bytes:
        raise InputError(
            stream.where,
            f"{stream.codec} data expands to more than {settings.max_decompressed_bytes} bytes "
            "(max_decompressed_bytes); stopped reading there (records before it were kept): "
            "raise NEWSFUSE_MAX_DECOMPRESSED_BYTES if the file is genuine",
        )


def _too_long(settings: Settings) -> _BadLine:
    return _BadLine(
        f"line is longer than max_article_bytes={settings.max_article_bytes}; "
        "split the record or raise NEWSFUSE_MAX_ARTICLE_BYTES"
    )


def _utf8_lines(stream: Stream, settings: Settings) -> Iterator[Line]:
    limit = settings.max_article_bytes
    which = "decompressed data" if stream.compressed else "file"
    offset = lineno = 0
    while raw := stream.readline(limit + 1):
        lineno += 1
        start = offset
        offset += len(raw)
        if len(raw) > limit and not raw.endswith(b"\n"):
            while (chunk := stream.readline(_SKIP_CHUNK)) and not chunk.endswith(b"\n"):
                offset += len(chunk)
                _check_total(stream, settings)
            offset += len(chunk)
            _check_total(stream, settings)
            yield lineno, _too_long(settings)
            continue
        _check_total(stream, settings)
        if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
            start += len(codecs.BOM_UTF8)
        try:
            yield lineno, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            yield (
                lineno,
                _BadLine(
                    f"not valid UTF-8 (first bad byte at offset {start + e.start} of the {which}); "
                    "save the file as UTF-8"
                ),
            )


def _utf16_lines(stream: Stream, settings: Settings) -> Iterator[Line]:
    """UTF-16 cannot be split on b"\\n"; a text wrapper decodes it, still a line at a time."""
    limit = max(1, settings.max_article_bytes // 2)  # characters, two bytes each
    # surrogatepass: a bad code unit becomes a bad line below, not the loss of a whole chunk.
    text = io.TextIOWrapper(
        cast(BinaryIO, stream.raw), encoding="utf-16", errors="surrogatepass", newline="\n"
    )
    lineno = 0
    try:
        while True:
            try:
                with stream.guard():
                    line = text.readline(limit + 1)
                    too_long = len(line) > limit and not line.endswith("\n")
                    while too_long and (rest := text.readline(_SKIP_CHUNK)):
                        _check_total(stream, settings)
                        if rest.endswith("\n"):
                            break
            except UnicodeDecodeError:  # an odd number of bytes at the end
                raise InputError(
                    stream.where, f"not valid UTF-16 after line {lineno}; save it as UTF-8"
                ) from None
            if not line:
                return
            lineno += 1
            _check_total(stream, settings)
            if too_long:
                yield lineno, _too_long(settings)
            elif _unpaired_surrogate(line):
                yield lineno, _BadLine("not valid UTF-16 (an unpaired surrogate); save it as UTF-8")
            else:
                yield lineno, line
    finally:
        text.detach()  # the stream belongs to open_input, which closes it


def _unpaired_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "a string"


def _decode_json(line: str, origin: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as e:
        raise InputError(
            origin, f"invalid JSON at column {e.colno}: {lower_first(e.msg)}"
        ) from None
    except RecursionError:
        raise InputError(origin, "invalid JSON: nested too deeply") from None
    except ValueError:  # Python refuses to convert integers of more than 4300 digits
        raise InputError(origin, "invalid JSON: a number is too long") from None
    if not isinstance(value, dict):
        raise InputError(origin, f"expected a JSON object, found {_kind(value)}")
    return value


def _encodable(record: dict[str, Any]) -> bool:
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    except (ValueError, RecursionError):
        return True  # nothing unusual about its strings; deep nesting was parsed already
    return True


def _field_errors(record: dict[str, Any]) -> list[str]:
    errors = []
    rid = record.get("id")
    if rid is not None and (isinstance(rid, bool) or not isinstance(rid, str | int)):
        errors.append(f"'id' must be a string or an integer, not {_kind(rid)}")
    for name in _STRINGS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            errors.append(f"'{name}' must be a string, not {_kind(value)}")
    return errors


def _body(value: str | None) -> str | None:
    return None if value is None or not value or value.isspace() else normalise_newlines(value)


def parse_record(line: str, origin: str, path: Path) -> RawDoc:
    """One JSONL line to a RawDoc; every defect raises an InputError naming `origin`."""
    record = _decode_json(line, origin)
    errors = _field_errors(record)
    if errors:
        raise InputError(origin, "wrong field type: " + "; ".join(errors))
    if record.get("text") is None and record.get("html") is None:
        raise InputError(origin, "record has neither a 'text' nor an 'html' field")
    text, html = _body(record.get("text")), _body(record.get("html"))
    if text is None and html is None:
        raise InputError(origin, "empty text (the 'text'/'html' field is blank)")
    for name, value in (("text", text), ("html", html)):
        if value is not None and "\x00" in value:
            raise InputError(origin, f"field '{name}' contains NUL characters (binary data?)")
    if _SURROGATE_ESCAPE.search(line) and not _encodable(record):
        raise InputError(
            origin, "contains an unpaired UTF-16 surrogate escape (\\ud800-\\udfff); fix its writer"
        )
    rid = record.get("id")
    own_id = str(rid) if rid is not None and str(rid).strip() else None
    url = record.get("url")
    source = source_name(record.get("source"), url, path)
    return RawDoc(
        origin=origin,
        text=text,
        html=html,
        id=own_id or content_id(text if text is not None else cast(str, html), source),
        title=record.get("title"),
        url=url,
        source=source,
        published=record.get("published"),
        meta={k: v for k, v in record.items() if k not in _KNOWN},
    )
