"""CSV and TSV files: a header row, then one article per row, read one row at a time.

Columns map to RawDoc fields as `columns.py` describes. A row that cannot be used (wrong
number of cells, an over-long cell, no text) costs that row only: one problem naming
`path:line`, where line is the row's first line in the file (cells may span lines).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, cast

from newsfuse.errors import InputError
from newsfuse.ingest.columns import parse_column_map, resolve, row_to_doc
from newsfuse.ingest.decode import BINARY_MESSAGE, has_utf16_bom
from newsfuse.ingest.files import InputFile, Stream, open_input
from newsfuse.ingest.tally import Tally
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

_SNIFF_BYTES = 8192


class _Limited(io.RawIOBase):
    """The decompressed bytes of a stream, refused past max_decompressed_bytes (a bomb)."""

    def __init__(self, stream: Stream, limit: int) -> None:
        self.stream = stream
        self.limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        if self.stream.compressed and self.stream.tell() > self.limit:
            raise InputError(
                self.stream.where,
                f"{self.stream.codec} data expands to more than {self.limit} bytes "
                "(max_decompressed_bytes); stopped reading there (rows before it were kept): "
                "raise NEWSFUSE_MAX_DECOMPRESSED_BYTES if the file is genuine",
            )
        return len(data)


def read_delimited(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    delimiter = "\t" if f.format == ".tsv" else ","
    mapping = parse_column_map(settings.column_map)
    with open_input(f) as stream:
        head = stream.read(_SNIFF_BYTES)
        if not head:
            raise InputError(f.where, "empty file")
        stream.rewind()
        encoding = "utf-16" if has_utf16_bom(head) else "utf-8-sig"
        if encoding == "utf-8-sig" and b"\x00" in head:
            raise InputError(f.where, BINARY_MESSAGE)
        raw = io.BufferedReader(_Limited(stream, settings.max_decompressed_bytes))
        text = io.TextIOWrapper(cast(BinaryIO, raw), encoding=encoding, newline="")
        try:
            yield from _rows(text, delimiter, mapping, f, settings, problems)
        except UnicodeDecodeError as e:
            raise InputError(
                f.where, f"not valid {encoding.removesuffix('-sig')} ({e.reason}); save as UTF-8"
            ) from None
        finally:
            text.detach()


def _rows(
    text: io.TextIOWrapper,
    delimiter: str,
    mapping: dict[str, str],
    f: InputFile,
    settings: Settings,
    problems: list[Problem],
) -> Iterator[RawDoc]:
    limit = settings.max_article_bytes
    csv.field_size_limit(limit)  # a cell larger than one article is an error, not a row
    reader = csv.reader(text, delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f.where, "empty file") from None
    except csv.Error as e:
        raise InputError(f"{f.where}:1", f"unreadable header row ({e})") from None
    columns = [c.strip() for c in header]
    fields = resolve(columns, mapping, f.where)
    tally = Tally(problems)
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            tally.refuse(f"{f.where}:{start}", f"unreadable row ({e})")
            start = reader.line_num + 1
            continue
        origin = f"{f.where}:{start}"
        start = reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            tally.refuse(
                origin,
                f"row has {len(cells)} cells, the header has {len(columns)}; "
                "check the quoting of this row",
            )
            continue
        row = dict(zip(columns, cells, strict=True))
        if (doc := tally.take(row_to_doc, row, fields, origin, f.path)) is not None:
            yield doc
    if tally.empty:
        raise InputError(f.where, "no rows below the header")
