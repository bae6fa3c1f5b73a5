"""ARC files, the Internet Archive's format before WARC, read through warcio's converter.

ARC records carry no record type and no trailer to resynchronise on, so unlike WARC a
malformed record ends the file (pages before it are kept) with one problem line.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator

from newsfuse.errors import InputError
from newsfuse.ingest.files import InputFile, Stream, lower_first, open_input
from newsfuse.ingest.tally import Tally
from newsfuse.ingest.warc import record_to_doc
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

log = logging.getLogger(__name__)


class _Reader:
    """The file-like face warcio reads from, with the decompression limit enforced."""

    def __init__(self, stream: Stream, limit: int) -> None:
        self.stream = stream
        self.limit = limit

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n if n >= 0 else self.limit + 1)
        if self.stream.compressed and self.stream.tell() > self.limit:
            raise InputError(
                self.stream.where,
                f"{self.stream.codec} data expands to more than {self.limit} bytes "
                "(max_decompressed_bytes); stopped reading there (pages before it were kept)",
            )
        return data

    def readline(self, n: int = -1) -> bytes:
        return self.stream.readline(n if n >= 0 else 65536)


def read_arc(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    from warcio.archiveiterator import ArchiveIterator  # on first use: slow to import
    from warcio.exceptions import ArchiveLoadFailed

    skipped: Counter[str] = Counter()
    number = 0
    tally = Tally(problems)
    with open_input(f) as stream:
        records = iter(
            ArchiveIterator(_Reader(stream, settings.max_decompressed_bytes), arc2warc=True)
        )
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except (ArchiveLoadFailed, ValueError, EOFError) as e:
                raise InputError(
                    f.where,
                    f"corrupt ARC record after record {number} ({lower_first(str(e))}); "
                    "pages before it were kept",
                ) from None
            number += 1
            where = f"{f.where}:{number}"
            if (doc := tally.take(record_to_doc, record, where, f, settings, skipped)) is not None:
                yield doc
    if number == 0:
        raise InputError(f.where, "empty file")
    if skipped:
        counts = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
        log.info("%s: %d pages read; records skipped: %s", f.where, tally.read, counts)
