"""Articles posted over the network, added to the database exactly as `newsfuse run` adds files.

Posted records and files are written to a private temporary folder and read from there by the
same readers the CLI uses, and added by incremental ingest (`newsfuse ingest`), so a posted
article is cleaned, deduplicated and clustered like any other while only the stories it
reaches are touched. Every name a user sees says "upload:<name>", never the temporary path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfuse.engine.incremental import IncrementalEngine
from newsfuse.ingest import READERS
from newsfuse.ingest.walk import input_format
from newsfuse.model import Article, IngestReport, Problem
from newsfuse.settings import Settings
from newsfuse.store import Store


@dataclass(slots=True)
class Ingested:
    report: IngestReport
    articles: list[str]  # ids of the posted articles that were read, new or already stored


class _UploadEngine(IncrementalEngine):
    """Incremental ingest, remembering the articles it read and naming uploads, not temp paths."""

    def __init__(self, store: Store, settings: Settings, folder: Path) -> None:
        super().__init__(store, settings)
        self._prefix = str(folder) + os.sep
        self.batch: dict[str, None] = {}  # ordered, each id once

    def public(self, text: str) -> str:
        return text.replace(self._prefix, "upload:")

    def taken(self, article: Article) -> None:
        self.batch.setdefault(article.id)


@contextmanager
def _one_at_a_time(db: str | Path) -> Iterator[None]:
    """Serialise uploads across server processes (`serve --workers`): each ingest plans its
    batches against an in-memory index of what is stored, which another writer would stale."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX; one process at a time is on the user
        yield
        return
    with open(f"{db}.upload-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _add_folder(db: str | Path, folder: Path, settings: Settings) -> tuple[IngestReport, list[str]]:
    """Ingest the files in `folder` into `db` incrementally: (report, ids read).

    Only the stories the new articles reach are re-clustered and re-analysed, as
    `newsfuse ingest` does (docs/INCREMENTAL.md).
    """
    with _one_at_a_time(db), Store(db) as store:
        engine = _UploadEngine(store, settings, folder)
        report = engine.ingest([folder])
    return report, list(engine.batch)


def upload_name(name: str, index: int) -> str | None:
    """A safe relative path for an upload ("0001/report.txt"), or None when newsfuse cannot
    read its format.

    Only the base name survives, reduced to letters, digits, dot, dash and underscore, so a
    posted name can never point outside the private upload folder; the numbered folder keeps
    two uploads of the same name apart and leaves the name itself as the article's source.
    """
    base = re.sub(r"[^A-Za-z0-9._-]", "_", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = base.lstrip(".")[-100:] or "upload"
    if input_format(Path(base)) not in READERS:
        return None
    return f"{index:04d}/{base}"


def ingest_posted(
    db: str | Path,
    records: Sequence[Mapping[str, Any]] = (),
    files: Sequence[tuple[str, bytes]] = (),
    *,
    settings: Settings | None = None,
) -> Ingested:
    """Add posted articles exactly as `ingest` adds files: cleaned, deduplicated, clustered.

    `records` are JSONL-shaped dicts (text or html, title, url, source, published, id);
    `files` are (name, content) pairs in any format the CLI reads. A record or file that
    cannot be used costs a Problem in the report, never the batch.
    """
    settings = settings or Settings.from_env()
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="newsfuse-upload-") as tmp:
        folder = Path(tmp)
        if records:
            lines = (json.dumps(dict(r), ensure_ascii=False, default=str) for r in records)
            (folder / "posted.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        for k, (name, content) in enumerate(files, 1):
            safe = upload_name(name, k)
            if safe is None:
                problems.append(
                    Problem(f"upload:{name[:100]}", "unknown format; use " + ", ".join(READERS))
                )
                continue
            (folder / safe).parent.mkdir()
            (folder / safe).write_bytes(content)
        report, batch = _add_folder(db, folder, settings)
    report.problems[:0] = problems
    return Ingested(report, batch)
