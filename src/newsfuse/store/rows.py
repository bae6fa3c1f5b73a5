"""Dataclass <-> row conversion, kept apart so that "lossless" can be tested in one place.

Lists and dicts are stored as JSON text: SQLite's json functions can still reach into them,
and a new field in `meta` never needs a migration.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Sequence
from typing import Any

from newsfuse.errors import StoreError
from newsfuse.model import Article, Membership, Story, SummarySentence

ARTICLE_COLUMNS = (
    "id",
    "origin",
    "source",
    "title",
    "url",
    "published",
    "language",
    "text",
    "removed",
    "duplicate_of",
    "duplicate_score",
    "meta",
)
STORY_COLUMNS = ("id", "title", "first_seen", "last_seen", "sources")
MEMBER_COLUMNS = (
    "story_id",
    "article_id",
    "position",
    "member_position",
    "similarity",
    "shared_entities",
    "date_gap_days",
    "reason",
)
SUMMARY_COLUMNS = ("story_id", "position", "text", "citations")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def dumps(value: Any) -> str:
    """Strict, compact JSON that keeps unicode readable.

    Odd values (dates, sets) become strings and NaN/Infinity become null rather than failing
    a whole ingest: SQLite's json functions (and the CHECKs) accept only standard JSON.
    """
    options: dict[str, Any] = {
        "ensure_ascii": False,
        "separators": (",", ":"),
        "default": str,
        "allow_nan": False,
    }
    try:
        return json.dumps(value, **options)
    except ValueError:  # a non-finite float somewhere: retry once without them
        return json.dumps(_finite(value), **options)


def article_row(article: Article) -> tuple[Any, ...]:
    return (
        article.id,
        article.origin,
        article.source,
        article.title,
        article.url,
        article.published,
        article.language,
        article.text,
        dumps(article.removed),
        article.duplicate_of,
        article.duplicate_score,
        dumps(article.meta),
    )


def article_from_row(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        origin=row["origin"],
        source=row["source"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        removed=json.loads(row["removed"]),
        duplicate_of=row["duplicate_of"],
        duplicate_score=row["duplicate_score"],
        meta=json.loads(row["meta"]),
    )


def story_row(story: Story) -> tuple[Any, ...]:
    return (story.id, story.title, story.first_seen, story.last_seen, dumps(story.sources))


def member_rows(story: Story) -> list[tuple[Any, ...]]:
    """One row per article; Membership evidence joins the row of the article it explains."""
    positions: dict[str, int] = {}
    for position, article_id in enumerate(story.articles):
        if article_id in positions:
            raise StoreError(f"story {story.id}: article {article_id!r} is listed twice")
        positions[article_id] = position
    evidence: dict[str, tuple[int, Membership]] = {}
    for member_position, member in enumerate(story.members):
        if member.article not in positions:
            raise StoreError(
                f"story {story.id}: membership for {member.article!r}, which is not one of "
                "its articles"
            )
        if isinstance(member.similarity, float) and math.isnan(member.similarity):
            raise StoreError(f"story {story.id}: similarity of {member.article!r} is NaN")
        if member.article in evidence:
            raise StoreError(f"story {story.id}: two memberships for {member.article!r}")
        evidence[member.article] = (member_position, member)
    rows: list[tuple[Any, ...]] = []
    for article_id, position in positions.items():
        if article_id in evidence:
            member_position, m = evidence[article_id]
            rows.append(
                (
                    story.id,
                    article_id,
                    position,
                    member_position,
                    m.similarity,
                    dumps(m.shared_entities),
                    m.date_gap_days,
                    m.reason,
                )
            )
        else:
            rows.append((story.id, article_id, position, None, None, None, None, None))
    return rows


def summary_rows(story: Story) -> list[tuple[Any, ...]]:
    return [
        (story.id, position, sentence.text, dumps(sentence.citations))
        for position, sentence in enumerate(story.summary)
    ]


def story_from_rows(
    row: sqlite3.Row, members: Sequence[sqlite3.Row], summary: Sequence[sqlite3.Row]
) -> Story:
    """`members` and `summary` must come ordered by position."""
    evidence = sorted(
        (m for m in members if m["member_position"] is not None),
        key=lambda m: m["member_position"],
    )
    return Story(
        id=row["id"],
        title=row["title"],
        articles=[m["article_id"] for m in members],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        sources=json.loads(row["sources"]),
        summary=[
            SummarySentence(text=s["text"], citations=json.loads(s["citations"])) for s in summary
        ],
        members=[
            Membership(
                article=m["article_id"],
                similarity=m["similarity"],
                shared_entities=json.loads(m["shared_entities"]),
                date_gap_days=m["date_gap_days"],
                reason=m["reason"],
            )
            for m in evidence
        ],
    )
