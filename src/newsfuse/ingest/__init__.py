"""The read stage: files and folders in, `RawDoc`s out, one `Problem` per unusable input.

Readers are looked up by file suffix in `READERS`, so a new format is one function with the
`Reader` signature plus one entry there; compression (gzip, zstd, bzip2) is handled below the
readers (see `files.open_input`), so every reader gets it for free. An http(s) URL given as
an input is read as a feed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newsfuse.errors import InputError
from newsfuse.ingest.arc import read_arc
from newsfuse.ingest.delimited import read_delimited
from newsfuse.ingest.feed import URL_FORMAT, read_feed, read_feed_url
from newsfuse.ingest.files import InputFile
from newsfuse.ingest.html import read_html
from newsfuse.ingest.jsonl import read_jsonl
from newsfuse.ingest.parquet import read_parquet
from newsfuse.ingest.text import read_text
from newsfuse.ingest.walk import iter_inputs
from newsfuse.ingest.warc import read_warc
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

# A reader yields the documents of one file. It raises InputError for a defect that ends the
# file (documents already yielded are kept) and appends a Problem for one it can skip past.
Reader = Callable[[InputFile, Settings, list[Problem]], Iterator[RawDoc]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".warc": read_warc,
    ".arc": read_arc,
    ".rss": read_feed,
    ".atom": read_feed,
    ".xml": read_feed,
    ".csv": read_delimited,
    ".tsv": read_delimited,
    ".parquet": read_parquet,
    URL_FORMAT: read_feed_url,
}

__all__ = ["READERS", "InputFile", "Reader", "read_paths"]


def read_paths(
    paths: Iterable[str | Path], settings: Settings, problems: list[Problem]
) -> Iterator[RawDoc]:
    """Stream the documents in `paths` (files or folders), appending a Problem per bad input.

    Never raises for bad input: a batch of a million files must not die on file 7. Documents
    come lazily, in the order the paths were given and in sorted order inside folders.
    """
    if isinstance(paths, str | os.PathLike):  # one path, not an iterable of characters
        paths = [paths]
    for f in iter_inputs(paths, READERS, settings.max_files, problems):
        try:
            yield from READERS[f.format](f, settings, problems)
        except InputError as e:
            problems.append(Problem(e.where, e.message, stage="read"))
        except Exception as e:  # a reader bug must cost one file, not the batch
            problems.append(
                Problem(
                    f.where,
                    f"unexpected error while reading ({type(e).__name__}: {e}); "
                    "please report this as a newsfuse bug",
                    stage="read",
                )
            )
