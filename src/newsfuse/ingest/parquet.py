"""Parquet files: one article per row, read a batch of rows at a time (pyarrow).

Parquet keeps its index at the end of the file, so it needs random access: a compressed
Parquet file (rare: its pages are compressed already) is first expanded into a temporary
file, under the same max_decompressed_bytes limit as every other stream. Only one batch of
rows is in memory at a time, so a file of millions of rows reads in constant memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from newsfuse.errors import InputError
from newsfuse.ingest.columns import parse_column_map, resolve, row_to_doc
from newsfuse.ingest.files import InputFile, lower_first, open_input
from newsfuse.ingest.tally import Tally
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

BATCH_ROWS = 1024
_COPY_CHUNK = 1 << 20


def _arrow_message(error: Exception) -> str:
    return lower_first(
        str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    )


@contextmanager
def _seekable(f: InputFile, settings: Settings) -> Iterator[IO[bytes] | Path]:
    """The file itself, or a temporary expanded copy when it is compressed."""
    with open_input(f) as stream:
        if not stream.compressed:
            yield f.path
            return
        with tempfile.TemporaryFile() as copy:
            limit = settings.max_decompressed_bytes
            while chunk := stream.read(_COPY_CHUNK):
                copy.write(chunk)
                if stream.tell() > limit:
                    raise InputError(
                        f.where,
                        f"{stream.codec} data expands to more than {limit} bytes "
                        "(max_decompressed_bytes); refused without expanding it further",
                    )
            copy.seek(0)
            yield copy


def _open(source: IO[bytes] | Path, where: str) -> Any:
    import pyarrow as pa  # imported on first use: it costs ~0.5 s to import
    import pyarrow.parquet as pq

    try:
        handle: Any = str(source) if isinstance(source, Path) else source
        return pq.ParquetFile(handle)
    except (pa.ArrowException, OSError) as e:
        raise InputError(where, f"not a readable Parquet file ({_arrow_message(e)})") from None


def read_parquet(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    mapping = parse_column_map(settings.column_map)
    with _seekable(f, settings) as source:
        table = _open(source, f.where)
        try:
            yield from _rows(table, mapping, f, problems)
        finally:
            table.close()


def _rows(
    table: Any, mapping: dict[str, str], f: InputFile, problems: list[Problem]
) -> Iterator[RawDoc]:
    import pyarrow as pa

    fields = resolve(list(table.schema_arrow.names), mapping, f.where)
    row = 0
    tally = Tally(problems)
    batches = table.iter_batches(batch_size=BATCH_ROWS)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except (pa.ArrowException, OSError) as e:
            raise InputError(
                f.where,
                f"corrupt Parquet data after row {row} ({_arrow_message(e)}); "
                "rows before it were kept",
            ) from None
        for values in batch.to_pylist():
            row += 1
            if doc := tally.take(row_to_doc, values, fields, f"{f.where}:{row}", f.path):
                yield doc
    if tally.empty:
        raise InputError(f.where, "no rows")
