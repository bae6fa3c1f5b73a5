"""One writer run (ingest or run) at a time per database file.

An ingest loads the stored stories into an in-memory index once and then commits batch
after batch computed against it. Two ingests at once would each commit stories computed
without the other's articles, and the later commit would silently drop the earlier one's
articles from their stories. SQLite's write lock covers one transaction, not a whole ingest,
so the ingest holds an advisory lock on a file beside the database for its whole length;
the operating system releases it when the process ends, even on SIGKILL. `newsfuse run`
takes the same lock: it re-clusters every stored article and would drop another writer's.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from newsfuse.errors import StoreError

MEMORY = ":memory:"
_POLL = 0.05


@contextmanager
def ingest_lock(db: str, timeout: float) -> Iterator[None]:
    """Hold the ingest lock of `db`, waiting up to `timeout` seconds for another ingest;
    StoreError (the same words as a busy write) when it is still running by then."""
    if db == MEMORY:
        yield
        return
    fd = os.open(f"{db}.ingest-lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"{db}: locked by another writer (another ingest or run is going on); "
                        "try again when it has finished"
                    ) from None
                time.sleep(_POLL)
        yield
    finally:
        os.close(fd)  # closing releases the lock
