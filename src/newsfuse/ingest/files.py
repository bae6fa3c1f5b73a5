"""Opening one untrusted input file: transparent decompression, size limits, clean errors.

Every failure here becomes an `InputError` naming the file, so a reader never has to know
whether its bytes came from disk or from a gzip, zstd or bzip2 stream, and one bad file cannot
stop a batch. Limits are enforced while streaming, so a compression bomb is refused after
`limit` bytes instead of being expanded in memory.
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import stat
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from newsfuse.errors import InputError
from newsfuse.ingest.compression import ZSTD_MAGIC, ZstdError, ZstdReader, is_bzip2
from newsfuse.settings import Settings

GZIP_MAGIC = b"\x1f\x8b"
_MAGIC_BYTES = 10  # enough to tell a bzip2 stream from text that starts with "BZh"

# Compression suffixes the walker strips before choosing a reader ("a.jsonl.gz" -> ".jsonl").
# The stream itself is recognised by its magic bytes, so a gzip file without ".gz" works too.
COMPRESSION_SUFFIXES: frozenset[str] = frozenset({".gz", ".zst", ".zstd", ".bz2"})


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file chosen for reading: `where` is the path as the user gave or the walk joined it."""

    path: Path
    where: str
    format: str  # the reader key, e.g. ".jsonl"


def lower_first(message: str) -> str:
    """Library messages start upper-case; ours start lower-case to read well after "path: "."""
    return message[:1].lower() + message[1:] if message else message


def os_reason(error: OSError) -> str:
    reason = lower_first(error.strerror or str(error))
    if isinstance(error, PermissionError):
        reason += " (check the file's permissions)"
    return reason


class Stream:
    """A binary stream whose read errors arrive as `InputError`s naming the file."""

    def __init__(
        self,
        raw: io.BufferedIOBase,
        where: str,
        *,
        compressed: bool,
        size: int,
        codec: str = "gzip",
        handle: io.BufferedIOBase | None = None,
    ) -> None:
        self.raw = raw
        self.where = where
        self.compressed = compressed
        self.size = size  # bytes on disk (compressed size for gzip)
        self.codec = codec  # "gzip", "zstd" or "bzip2": named in messages
        self._handle = handle  # the file under a zstd reader, which cannot seek back

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Translate decompression and I/O failures raised inside the block."""
        try:
            yield
        except EOFError:
            raise InputError(
                self.where,
                f"truncated {self.codec} data: the file ends before its compressed stream "
                "does; download or compress it again",
            ) from None
        except (zlib.error, gzip.BadGzipFile, ZstdError) as e:
            raise InputError(
                self.where, f"corrupt {self.codec} data ({lower_first(str(e))}); compress it again"
            ) from None
        except OSError as e:
            if self.compressed and self.codec == "bzip2":  # bz2 reports bad data as OSError
                raise InputError(
                    self.where, f"corrupt bzip2 data ({lower_first(str(e))}); compress it again"
                ) from None
            raise InputError(self.where, f"cannot read file: {os_reason(e)}") from None

    def read(self, n: int) -> bytes:
        with self.guard():
            return self.raw.read(n)

    def readline(self, n: int) -> bytes:
        with self.guard():
            return self.raw.readline(n)

    def tell(self) -> int:
        """Position in the decompressed data: what the decompression limits count."""
        with self.guard():
            return self.raw.tell()

    def rewind(self) -> None:
        with self.guard():
            if self._handle is not None:  # zstd: start a fresh decompressor from byte 0
                self._handle.seek(0)
                self.raw = io.BufferedReader(ZstdReader(self._handle))
            else:
                self.raw.seek(0)


def _nonblocking(path: str, flags: int) -> int:
    # A FIFO swapped in after the walk's check must not block the whole batch on open().
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


@contextmanager
def open_input(f: InputFile) -> Iterator[Stream]:
    """Open `f`, decompressing when its first bytes are a gzip, zstd or bzip2 magic."""
    try:
        handle = open(f.path, "rb", opener=_nonblocking)  # noqa: SIM115 -- closed below
    except OSError as e:
        raise InputError(f.where, f"cannot open file: {os_reason(e)}") from None
    with handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(f.where, "not a regular file (a pipe, socket or device)")
            magic = handle.read(_MAGIC_BYTES)
            handle.seek(0)
        except OSError as e:
            raise InputError(f.where, f"cannot read file: {os_reason(e)}") from None
        if magic.startswith(GZIP_MAGIC):
            with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
                yield Stream(unzipped, f.where, compressed=True, size=info.st_size)
        elif magic.startswith(ZSTD_MAGIC):
            reader = io.BufferedReader(ZstdReader(handle))
            yield Stream(
                reader, f.where, compressed=True, size=info.st_size, codec="zstd", handle=handle
            )
        elif is_bzip2(magic):
            with bz2.BZ2File(handle, mode="rb") as unzipped:
                yield Stream(unzipped, f.where, compressed=True, size=info.st_size, codec="bzip2")
        else:
            yield Stream(handle, f.where, compressed=False, size=info.st_size)


def read_document(f: InputFile, settings: Settings) -> bytes:
    """All bytes of a one-article file, refusing anything over the article size limit.

    The on-disk size is checked before reading; gzip data is decompressed only up to the
    limit (plus one byte, to know it was exceeded).
    """
    limit = settings.max_article_bytes
    with open_input(f) as stream:
        if not stream.compressed and stream.size > limit:
            raise InputError(
                f.where,
                f"file is {stream.size} bytes, over max_article_bytes={limit}; "
                "split it or raise NEWSFUSE_MAX_ARTICLE_BYTES",
            )
        if stream.compressed:
            limit = min(limit, settings.max_decompressed_bytes)
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            f.where,
            f"{stream.codec} data expands to more than {limit} bytes (max_article_bytes / "
            "max_decompressed_bytes); refused without expanding it further",
        )
    if not data:
        raise InputError(f.where, "empty file")
    return data
