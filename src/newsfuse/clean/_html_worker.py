"""Child process that runs trafilatura for html.py; one request at a time over stdin/stdout.

Frames are a 4-byte big-endian length and a UTF-8 JSON object. The process ends when its
parent closes stdin, so an orphan never lingers.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any, BinaryIO

FIELDS = ("text", "title", "date", "url", "sitename", "author", "hostname", "description")


def extract(html: str, url: str | None) -> dict[str, Any] | None:
    """Main text and metadata of one page, or None when trafilatura finds no article."""
    from trafilatura import bare_extraction

    doc = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        deduplicate=False,
    )
    if doc is None:
        return None
    return {name: getattr(doc, name, None) for name in FIELDS}


def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return stream.read(size)


def write_frame(stream: BinaryIO, payload: dict[str, Any]) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the parent's pipe
    import trafilatura  # noqa: F401  # pay the import before saying ready

    write_frame(stdout, {"ready": True})
    while (frame := read_frame(stdin)) is not None:
        request = json.loads(frame)
        try:
            result = extract(request["html"], request.get("url"))
            write_frame(stdout, {"ok": True, "doc": result})
        except Exception as e:  # a broken page must not end the worker
            write_frame(stdout, {"ok": False, "error": f"{type(e).__name__}: {e}"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
