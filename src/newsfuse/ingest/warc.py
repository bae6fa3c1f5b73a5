"""Web archives (WARC, and the older ARC): HTML responses become RawDocs with their URL and date.

warcio parses each record (headers, HTTP response, chunked and compressed bodies), but the
records are framed here: warcio's iterator stops at the first malformed record, while a
crawl of a million pages must lose only that record. Framing by WARC-Type/Content-Length
lines means a bad record costs one Problem and the reader resynchronises at the next line
that starts a record. The page goes through the normal HTML cleaning (trafilatura); the
WARC-Date is only a fallback publication date, used when the page states none, because it
is when the page was fetched, not when it was written.

Records that are not article pages (requests, metadata, images, redirects, errors) are
skipped without a problem; how many of each is logged per file.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from newsfuse.errors import InputError
from newsfuse.ingest.decode import decode
from newsfuse.ingest.files import InputFile, Stream, lower_first, open_input
from newsfuse.ingest.html import declared_charset
from newsfuse.ingest.identity import content_id, source_name
from newsfuse.ingest.tally import Tally
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FALLBACK_DATE = "published_fallback"  # meta key clean() reads when the page states no date
_MAX_HEADER_LINES = 200
_LINE = 65536
_SKIP_CHUNK = 1 << 20
_PEEK = 8192  # enough of an oversized record to read its HTTP headers
_HTML_HEADER = re.compile(rb"^content-type:[^\r\n]*html", re.I | re.M)
_TRAILER = b"\r\n\r\n"


class _Framer:
    """Splits a WARC byte stream into records, with push-back for resynchronising."""

    def __init__(self, stream: Stream, settings: Settings) -> None:
        self.stream = stream
        self.limit = settings.max_decompressed_bytes
        self.pushed = b""
        self.offset = 0  # decompressed bytes consumed: where each record starts

    def _check(self) -> None:
        if self.stream.compressed and self.stream.tell() > self.limit:
            raise InputError(
                self.stream.where,
                f"{self.stream.codec} data expands to more than {self.limit} bytes "
                "(max_decompressed_bytes); stopped reading there (records before it were "
                "kept): raise NEWSFUSE_MAX_DECOMPRESSED_BYTES if the file is genuine",
            )

    def readline(self) -> bytes:
        cut = self.pushed.find(b"\n")
        if cut >= 0:
            line, self.pushed = self.pushed[: cut + 1], self.pushed[cut + 1 :]
        else:
            line, self.pushed = self.pushed + self.stream.readline(_LINE), b""
            self._check()
        self.offset += len(line)
        return line

    def read(self, n: int) -> bytes:
        head, self.pushed = self.pushed[:n], self.pushed[n:]
        data = head + (self.stream.read(n - len(head)) if n > len(head) else b"")
        self._check()
        self.offset += len(data)
        return data

    def skip(self, n: int) -> None:
        while n > 0 and (chunk := self.read(min(n, _SKIP_CHUNK))):
            n -= len(chunk)

    def push_back(self, data: bytes) -> None:
        self.pushed = data + self.pushed
        self.offset -= len(data)


def _header_value(lines: list[bytes], name: bytes) -> bytes | None:
    for line in lines[1:]:
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name:
            return value.strip()
    return None


def read_warc(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    skipped: Counter[str] = Counter()
    tally = Tally(problems)
    with open_input(f) as stream:
        framer = _Framer(stream, settings)
        number = 0
        while True:
            start = framer.offset
            line = framer.readline()
            if not line:
                break
            if not line.strip():
                continue
            number += 1
            where = f"{f.where}:{number}"
            if not line.startswith(b"WARC/"):
                tally.refuse(where, _garbage(framer, line, start))
                continue
            try:
                record = _frame(framer, line, settings)
            except _BadRecord as e:
                tally.refuse(where, f"corrupt WARC record at byte {start}: {e}")
                _skip_to_record(framer)
                continue
            if record is None:
                skipped["too large, not HTML"] += 1
                continue
            if (doc := tally.take(_to_doc, record, where, f, settings, skipped)) is not None:
                yield doc
    if skipped:
        counts = ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))
        log.info("%s: %d pages read; records skipped: %s", f.where, tally.read, counts)
    if number == 0:
        raise InputError(f.where, "empty file")


def _skip_to_record(framer: _Framer) -> int:
    """Read up to the next line that starts a record; returns the bytes skipped."""
    size = 0
    while (line := framer.readline()) and not line.startswith(b"WARC/"):
        size += len(line)
    if line:
        framer.push_back(line)
    return size


def _garbage(framer: _Framer, line: bytes, start: int) -> str:
    """Skip to the next record line; the whole run of junk is one problem."""
    size = len(line) + _skip_to_record(framer)
    shown = line[:40].decode("utf-8", "replace").strip()
    return (
        f"not a WARC record at byte {start} (starts {shown!r}); "
        f"skipped {size} bytes to the next record"
    )


class _BadRecord(Exception):
    pass


def _frame(framer: _Framer, first: bytes, settings: Settings) -> bytes | None:
    """The bytes of one record (headers, block, trailer), or None for a large non-page."""
    lines = [first]
    while True:
        line = framer.readline()
        if not line:
            raise _BadRecord("the file ends inside its headers")
        if not line.strip():
            break
        if line.startswith(b"WARC/"):
            framer.push_back(line)
            raise _BadRecord("headers end without a blank line")
        lines.append(line)
        if len(lines) > _MAX_HEADER_LINES:
            raise _BadRecord(f"more than {_MAX_HEADER_LINES} header lines")
    raw_length = _header_value(lines, b"content-length")
    if raw_length is None or not raw_length.isdigit():
        raise _BadRecord("no valid Content-Length header")
    length = int(raw_length)
    kind = (_header_value(lines, b"warc-type") or b"").lower()
    if length > settings.max_article_bytes + _LINE:  # headroom for the HTTP headers
        head = framer.read(min(length, _PEEK))
        framer.skip(length - len(head))
        framer.read(len(_TRAILER))
        if kind == b"response" and _HTML_HEADER.search(head.partition(b"\r\n\r\n")[0]):
            raise _BadRecord(f"HTML page of {length} bytes, over max_article_bytes")
        return None  # a video or a PDF: not an article, not a problem
    block = framer.read(length)
    trailer = framer.read(len(_TRAILER))
    if len(block) < length or trailer != _TRAILER:
        # A wrong length swallowed (part of) the next record: resume where it starts.
        rest = block + trailer
        at = rest.find(b"\nWARC/")
        framer.push_back(rest[at + 1 :] if at >= 0 else b"")
        raise _BadRecord("Content-Length does not match the record's length")
    return b"".join(lines) + b"\r\n" + block + _TRAILER


def _to_doc(
    record_bytes: bytes, where: str, f: InputFile, settings: Settings, skipped: Counter[str]
) -> RawDoc | None:
    from warcio.archiveiterator import ArchiveIterator  # on first use: slow to import
    from warcio.exceptions import ArchiveLoadFailed

    try:
        record = next(iter(ArchiveIterator(io.BytesIO(record_bytes), check_digests=False)))
    except (ArchiveLoadFailed, ValueError, OSError, EOFError, StopIteration) as e:
        raise InputError(where, f"corrupt WARC record ({lower_first(str(e))})") from None
    return record_to_doc(record, where, f, settings, skipped)


def record_to_doc(
    record: Any, where: str, f: InputFile, settings: Settings, skipped: Counter[str]
) -> RawDoc | None:
    """A warcio record to a RawDoc when it is a 200 HTML response; None (counted) otherwise."""
    from warcio.exceptions import ArchiveLoadFailed

    try:
        if record.rec_type != "response":
            skipped[f"{record.rec_type} records"] += 1
            return None
        http = record.http_headers
        if http is None:
            skipped["responses without HTTP headers"] += 1
            return None
        status = http.get_statuscode()
        content_type = (http.get_header("Content-Type") or "").lower()
        if status != "200":
            skipped[f"status {status}"] += 1
            return None
        if not content_type.startswith(HTML_TYPES):
            skipped["not HTML"] += 1
            return None
        data = record.content_stream().read(settings.max_article_bytes + 1)
    except (ArchiveLoadFailed, ValueError, OSError, EOFError, StopIteration) as e:
        raise InputError(where, f"corrupt WARC record ({lower_first(str(e))})") from None
    if len(data) > settings.max_article_bytes:
        raise InputError(where, f"page is over max_article_bytes={settings.max_article_bytes}")
    charset = content_type.partition("charset=")[2].split(";")[0].strip() or None
    html = decode(data, where, declared=charset or declared_charset(data), html=True)
    if not html.strip():
        skipped["empty pages"] += 1
        return None
    url = record.rec_headers.get_header("WARC-Target-URI")
    source = source_name(None, url, f.path)
    meta: dict[str, Any] = {}
    if date := record.rec_headers.get_header("WARC-Date"):
        meta[FALLBACK_DATE] = date
    return RawDoc(
        origin=where, html=html, id=content_id(html, source), url=url, source=source, meta=meta
    )
