"""Exports for analysts: the run's articles and stories as columnar files."""

from newsfuse.export.parquet import ARTICLE_COLUMNS, STORY_COLUMNS, write_parquet

__all__ = ["ARTICLE_COLUMNS", "STORY_COLUMNS", "write_parquet"]
