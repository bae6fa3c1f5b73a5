"""Light reads for indexes over every story: no article texts, no summaries, no analyses.

A server lists and filters stories from a small record per story and per article. Reading
whole articles and analyses for that (Store.articles/Store.stories) took 5 CPU-seconds at
100k articles, and a server pays it again after every ingest commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

from newsfuse.model import Story

Head = tuple[str, str, str | None, str | None]  # id, source, published, duplicate_of


def article_heads(conn: sqlite3.Connection) -> list[Head]:
    rows = conn.execute("SELECT id, source, published, duplicate_of FROM articles ORDER BY seq")
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def story_heads(conn: sqlite3.Connection) -> tuple[list[Story], dict[str, str]]:
    """Stories most recent first, with their article ids only, and a stamp per story that
    changes whenever the story or its analysis is rewritten."""
    members: dict[str, list[str]] = defaultdict(list)
    for story_id, article_id in conn.execute(
        "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
    ):
        members[story_id].append(article_id)
    stories: list[Story] = []
    stamps: dict[str, str] = {}
    for row in conn.execute(
        "SELECT s.id, s.title, s.first_seen, s.last_seen, s.sources, s.updated_at, "
        "a.updated_at FROM stories AS s LEFT JOIN story_analysis AS a ON a.story_id = s.id "
        "ORDER BY s.last_seen DESC, s.id"
    ):
        story_id = row[0]
        stories.append(
            Story(
                id=story_id,
                title=row[1],
                articles=members.get(story_id, []),
                first_seen=row[2],
                last_seen=row[3],
                sources=json.loads(row[4]),
            )
        )
        stamps[story_id] = f"{row[5]}|{row[6] or ''}|{len(stories[-1].articles)}"
    return stories, stamps
