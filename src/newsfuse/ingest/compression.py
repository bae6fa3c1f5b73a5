"""Decompressors that `files.open_input` needs beyond the standard library's gzip and bz2.

zstandard's own stream reader returns a clean end of file when the input stops in the middle
of a frame, so a truncated download would silently lose its tail. This reader feeds the
decompressor small slices of input, which both bounds the output of any single step (a
zstd bomb cannot expand a whole buffer at once) and lets it see, at end of input, whether the
last frame was complete.
"""

from __future__ import annotations

import io
from typing import Any

import zstandard

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
ZstdError = zstandard.ZstdError
# 1 KiB of input: a zstd block is at most 128 KiB from a few bytes, so one step yields at most
# a few tens of MB even for a crafted bomb, before the caller's byte limit is checked.
_INPUT_SLICE = 1024
_BZIP2_BLOCK = b"\x31\x41\x59\x26\x53\x59"  # pi: the magic of the first compressed block
_BZIP2_EMPTY = b"\x17\x72\x45\x38\x50\x90"  # sqrt(pi): end of stream, for an empty file


def is_bzip2(magic: bytes) -> bool:
    """ "BZh", a block size digit, then a block or end-of-stream marker: not a text file."""
    return (
        magic[:3] == b"BZh"
        and magic[3:4] in (b"1", b"2", b"3", b"4", b"5", b"6", b"7", b"8", b"9")
        and magic[4:10] in (_BZIP2_BLOCK, _BZIP2_EMPTY)
    )


class ZstdReader(io.RawIOBase):
    """Raw, forward-only reader of the decompressed bytes of one or more zstd frames."""

    def __init__(self, source: Any) -> None:
        self._source = source
        self._decompressor = zstandard.ZstdDecompressor()
        self._frame = self._decompressor.decompressobj()
        self._in_frame = False  # input was fed to the current frame and it has not ended
        self._pending = memoryview(b"")
        self._position = 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        """Decompressed bytes handed out so far: what the size limits count."""
        return self._position

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if not self._fill():
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self._position += n
        return n

    def _fill(self) -> bool:
        """Decompress one slice of input; False at a clean end of input."""
        data = self._source.read(_INPUT_SLICE)
        if not data:
            if self._in_frame:
                raise EOFError("zstd stream ends inside a frame")
            return False
        out = []
        while data:
            self._in_frame = True
            out.append(self._frame.decompress(data))
            data = b""
            if self._frame.eof:  # a frame ended: the rest of the slice starts the next one
                data = self._frame.unused_data
                self._frame = self._decompressor.decompressobj()
                self._in_frame = False
        self._pending = memoryview(b"".join(out))
        return True
