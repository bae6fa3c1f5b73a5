"""Finding the input files: named files and whole folder trees, in a deterministic order.

Folders are walked in sorted name order so that two runs over the same tree read the same
articles in the same order (and so produce the same stories). Hidden entries are skipped,
symlinked folders are followed once (a link back to an ancestor cannot loop), and the same file
reached twice (a link, a repeated argument) is read once.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path

from newsfuse.ingest.feed import URL_FORMAT, is_url
from newsfuse.ingest.files import COMPRESSION_SUFFIXES, InputFile, os_reason
from newsfuse.model import Problem


def input_format(path: Path) -> str:
    """The reader key of a file name, ignoring a compression suffix: "A.JSONL.gz" -> ".jsonl"."""
    name = path.name.lower()
    suffix = os.path.splitext(name)[1]
    if suffix in COMPRESSION_SUFFIXES:
        suffix = os.path.splitext(name[: -len(suffix)])[1]
    return suffix


def _printable(where: str) -> str:
    """A path with undecodable bytes, shown as escapes instead of lone surrogates."""
    return where.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _utf8_name(where: str) -> bool:
    try:
        where.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _stat_failure(path: Path, error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        if path.is_symlink():
            return "broken symbolic link (its target does not exist)"
        return "no such file or folder"
    return f"cannot read: {os_reason(error)}"


class _Walk:
    """State shared by all the paths of one batch: files seen, folders seen, the file count."""

    def __init__(self, formats: Collection[str], max_files: int, problems: list[Problem]) -> None:
        self.formats = formats
        self.max_files = max_files
        self.problems = problems
        self.count = 0
        self.stopped = False
        self.seen_files: set[tuple[int, int]] = set()
        self.seen_dirs: set[tuple[int, int]] = set()

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(_printable(where), message, stage="read"))

    def root(self, given: str | os.PathLike[str]) -> Iterator[InputFile]:
        where = os.fspath(given)
        if not where:
            self.problem("''", "empty path; name a file or a folder")
            return
        if is_url(where) and URL_FORMAT in self.formats:  # a feed to fetch, not a file
            if self.count >= self.max_files:
                self.problem(where, f"more than max_files={self.max_files} inputs; not read")
                self.stopped = True
                return
            self.count += 1
            yield InputFile(Path(where), where, URL_FORMAT)
            return
        path = Path(where)
        try:
            info = path.stat()
        except OSError as e:
            self.problem(where, _stat_failure(path, e))
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self.tree(path)
            return
        fmt = input_format(path)
        if fmt not in self.formats:
            known = ", ".join(sorted(f for f in self.formats if f.startswith(".")))
            shown = f"'{fmt}'" if fmt else "without an extension"
            self.problem(
                where,
                f"unsupported file type {shown}; newsfuse reads {known} files "
                f"(optionally compressed: {', '.join(sorted(COMPRESSION_SUFFIXES))})",
            )
            return
        yield from self.file(path, where, info, fmt)

    def file(self, path: Path, where: str, info: os.stat_result, fmt: str) -> Iterator[InputFile]:
        key = (info.st_dev, info.st_ino)
        if key in self.seen_files:
            return
        self.seen_files.add(key)
        if not stat.S_ISREG(info.st_mode):
            self.problem(where, "not a regular file (a pipe, socket or device)")
            return
        if not _utf8_name(where):
            self.problem(where, "file name is not valid UTF-8; rename the file")
            return
        if self.count >= self.max_files:
            self.problem(
                where,
                f"more than max_files={self.max_files} input files; this one and all after it "
                "were not read: split the batch or raise NEWSFUSE_MAX_FILES",
            )
            self.stopped = True
            return
        self.count += 1
        yield InputFile(path, where, fmt)

    def tree(self, top: Path) -> Iterator[InputFile]:
        pending = [top]  # a stack: children go on in reverse order so they come off sorted
        while pending and not self.stopped:
            path = pending.pop()
            where = str(path)
            fmt = input_format(path)
            try:
                info = path.stat()
            except OSError as e:  # a broken or looping link inside the tree
                if fmt in self.formats:
                    self.problem(where, _stat_failure(path, e))
                continue
            if not stat.S_ISDIR(info.st_mode):
                if fmt in self.formats:
                    yield from self.file(path, where, info, fmt)
                continue
            key = (info.st_dev, info.st_ino)
            if key in self.seen_dirs:
                continue
            self.seen_dirs.add(key)
            if not _utf8_name(where):
                self.problem(where, "folder name is not valid UTF-8; rename the folder")
                continue
            try:
                names = sorted(os.listdir(path))
            except OSError as e:
                self.problem(where, f"cannot list folder: {os_reason(e)}")
                continue
            pending.extend(path / name for name in reversed(names) if not name.startswith("."))


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]],
    formats: Collection[str],
    max_files: int,
    problems: list[Problem],
) -> Iterator[InputFile]:
    """Every readable input file under `paths`, in order, at most `max_files` of them."""
    walk = _Walk(formats, max_files, problems)
    for given in paths:
        yield from walk.root(given)
        if walk.stopped:
            return
