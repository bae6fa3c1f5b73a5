"""Main text and metadata of a web page with trafilatura, bounded in time.

Third-party HTML parsers can hang or blow up on hostile pages, and the hang may sit in C
code (lxml/libxml2) where no Python-level alarm reaches it. So trafilatura runs in one
long-lived child process per parent process (started on first use, ~1 s once), fed pages
over a pipe: the per-page cost is one JSON round trip (well under a millisecond against
~30 ms of extraction), and a page that overruns `html_timeout_s` gets the child killed and
replaced, never the caller stuck. Unlike signal.alarm this works off the main thread
(web server, Dask threads), and unlike multiprocessing it works inside daemonic worker
processes, since it is a plain subprocess. A lock serialises callers of one process.
A timeout of 0 or less runs trafilatura in-process, unbounded (for debugging).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from typing import IO, Any

from newsfuse.clean import _html_worker
from newsfuse.errors import InputError, NewsfuseError

STARTUP_TIMEOUT_S = 120.0  # importing trafilatura on a loaded machine


class _Worker:
    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newsfuse.clean._html_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        if self.proc.stdin is None or self.proc.stdout is None:  # pragma: no cover
            raise NewsfuseError("could not open pipes to the HTML extraction process")
        self.stdin: IO[bytes] = self.proc.stdin
        self.stdout: IO[bytes] = self.proc.stdout
        if self.receive(STARTUP_TIMEOUT_S) is None:
            self.close()
            raise NewsfuseError(
                f"the HTML extraction process did not start: try `{sys.executable} -m "
                "newsfuse.clean._html_worker` to see why"
            )

    def receive(self, timeout: float) -> dict[str, Any] | None:
        """One frame from the child, or None if it did not come in time (or the child died)."""
        deadline = time.monotonic() + timeout
        head = self._read(4, deadline)
        if head is None:
            return None
        body = self._read(struct.unpack(">I", head)[0], deadline)
        return None if body is None else json.loads(body)

    def _read(self, size: int, deadline: float) -> bytes | None:
        fd = self.stdout.fileno()
        chunks: list[bytes] = []
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while size > 0:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    return None
                chunk = os.read(fd, size)
                if not chunk:  # the child exited
                    return None
                chunks.append(chunk)
                size -= len(chunk)
        return b"".join(chunks)

    def send(self, payload: dict[str, Any]) -> bool:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.stdin.write(struct.pack(">I", len(data)) + data)
            self.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):  # a pipe to a killed child
                stream.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _shutdown() -> None:
    global _worker
    if _worker is not None:
        _worker.close()
        _worker = None


atexit.register(_shutdown)


def extract_html(html: str, url: str | None, timeout_s: float, where: str) -> dict[str, Any] | None:
    """trafilatura's text and metadata for one page; None when the page holds no article."""
    if timeout_s <= 0:
        return _html_worker.extract(html, url)
    global _worker
    with _lock:
        if _worker is None or _worker.proc.poll() is not None:
            _worker = _Worker()
        if not _worker.send({"html": html, "url": url}):
            _shutdown()
            raise InputError(where, "the HTML extraction process died")
        reply = _worker.receive(timeout_s)
        if reply is None:
            _shutdown()  # killed mid-page; the next call starts a fresh one
            raise InputError(where, f"HTML extraction took longer than {timeout_s:g} s")
    if not reply.get("ok"):
        raise InputError(where, f"HTML extraction failed: {reply.get('error')}")
    doc: dict[str, Any] | None = reply["doc"]
    return doc
