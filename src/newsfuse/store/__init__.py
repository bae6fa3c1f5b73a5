"""Persistence: one SQLite file (WAL) holding articles, stories, runs and analysis results."""

from newsfuse.store.schema import SCHEMA_VERSION
from newsfuse.store.store import Store

__all__ = ["SCHEMA_VERSION", "Store"]
