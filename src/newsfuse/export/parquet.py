"""articles.parquet and stories.parquet: the report as two tables for pandas, DuckDB, Spark.

One row per article and one per story, with flat columns for what analysts filter and group
on (source, dates, story, duplicate links) and the nested parts (meta, analysis) as JSON
strings, so the schema stays fixed whatever a reader put in `meta`. Rows are written in
batches, so a report of a million articles never needs a second copy of itself as one Arrow
table; each file appears under its name only when complete (written beside, then renamed).
Columns may be added in later versions, never renamed or removed (docs/FORMATS.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from newsfuse.model import Article, Report, Story, analysis_to_dict

BATCH_ROWS = 10_000
_STRINGS = pa.list_(pa.string())

ARTICLE_COLUMNS = pa.schema(
    [
        ("id", pa.string()),
        ("story_id", pa.string()),  # null for an article in no story
        ("source", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("published", pa.string()),  # ISO 8601 date as the cleaner found it
        ("language", pa.string()),  # ISO 639-1
        ("duplicate_of", pa.string()),  # id of the original this copies
        ("duplicate_score", pa.float64()),  # estimated Jaccard with that original
        ("origin", pa.string()),  # path[:line] of the input record
        ("words", pa.int64()),
        ("text", pa.string()),  # cleaned text, one paragraph per line
        ("removed", _STRINGS),  # clutter lines taken out
        ("meta", pa.string()),  # reader metadata as JSON
    ]
)
STORY_COLUMNS = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("first_seen", pa.string()),
        ("last_seen", pa.string()),
        ("article_count", pa.int64()),
        ("source_count", pa.int64()),
        ("articles", _STRINGS),  # member article ids
        ("sources", _STRINGS),
        ("summary", _STRINGS),  # the brief's sentences, in order
        ("summary_citations", pa.list_(_STRINGS)),  # article ids cited by each sentence
        ("entities", _STRINGS),  # canonical entity names
        ("conflicts", pa.int64()),  # claims the sources disagree on
        ("analysis", pa.string()),  # the whole analysis as JSON (as in report.json)
    ]
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _article_rows(articles: Iterable[Article], story_of: dict[str, str]) -> Iterator[dict]:
    for a in articles:
        yield {
            "id": a.id,
            "story_id": story_of.get(a.id),
            "source": a.source,
            "title": a.title,
            "url": a.url,
            "published": a.published,
            "language": a.language,
            "duplicate_of": a.duplicate_of,
            "duplicate_score": a.duplicate_score,
            "origin": a.origin,
            "words": len(a.text.split()),
            "text": a.text,
            "removed": list(a.removed),
            "meta": _json(a.meta),
        }


def _story_rows(stories: Iterable[Story], source_of: dict[str, str]) -> Iterator[dict]:
    for s in stories:
        sources = list(s.sources) or list(
            dict.fromkeys(source_of[a] for a in s.articles if a in source_of)
        )
        analysis = s.analysis
        yield {
            "id": s.id,
            "title": s.title,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "article_count": len(s.articles),
            "source_count": len(sources),
            "articles": list(s.articles),
            "sources": sources,
            "summary": [x.text for x in s.summary],
            "summary_citations": [list(x.citations) for x in s.summary],
            "entities": [e.name for e in analysis.entities] if analysis else [],
            "conflicts": len(analysis.conflicts) if analysis else 0,
            "analysis": _json(analysis_to_dict(analysis)) if analysis else None,
        }


def _write(path: Path, schema: pa.Schema, rows: Iterator[dict]) -> Path:
    """Write in batches beside `path`, then rename: readers never see half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            while batch := list(islice(rows, BATCH_ROWS)):
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_parquet(report: Report, out_dir: Path) -> list[Path]:
    """Write articles.parquet and stories.parquet under out_dir; returns their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    story_of = {aid: s.id for s in report.stories for aid in s.articles}
    source_of = {a.id: a.source for a in report.articles}
    return [
        _write(
            out_dir / "articles.parquet",
            ARTICLE_COLUMNS,
            _article_rows(report.articles, story_of),
        ),
        _write(out_dir / "stories.parquet", STORY_COLUMNS, _story_rows(report.stories, source_of)),
    ]
