"""What the records of one input file came to: the documents read and the rows refused.

Every multi-record reader (JSONL, CSV/TSV, Parquet, WARC, ARC) follows one rule: a bad
record costs that record (one Problem, saying what and where), never the file. Keeping the
rule in one place keeps the readers from drifting apart in what they count and report, and
lets a reader tell "a file of bad rows" from "an empty file" the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from newsfuse.errors import InputError
from newsfuse.model import Problem

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(slots=True)
class Tally:
    problems: list[Problem]
    read: int = 0
    refused: int = 0

    def refuse(self, where: str, message: str) -> None:
        """One Problem for a record the reader could not use."""
        self.problems.append(Problem(where, message, stage="read"))
        self.refused += 1

    def take(self, convert: Callable[P, T | None], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """`convert(*args)`, or None (and a Problem) when it raises InputError; a None from
        `convert` itself means a record skipped on purpose, neither read nor refused."""
        try:
            found = convert(*args, **kwargs)
        except InputError as e:
            self.refuse(e.where, e.message)
            return None
        if found is not None:
            self.read += 1
        return found

    @property
    def empty(self) -> bool:
        """Nothing read and nothing refused: the file held no records at all."""
        return self.read == 0 and self.refused == 0
