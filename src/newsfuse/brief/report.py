"""The report as plain JSON data: the one shape report.json, the API and other tools share.

Keys are a contract (version 1): they may be added to, never renamed or removed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from newsfuse.model import Article, Report, Story, analysis_to_dict

VERSION = 1


def _json_safe(value: Any) -> Any:
    """Reader metadata may hold dates or bytes; JSON gets their text, not an exception."""
    return json.loads(json.dumps(value, default=str))


def article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "origin": article.origin,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "text": article.text,
        "removed": list(article.removed),
        "duplicate_of": article.duplicate_of,
        "duplicate_score": article.duplicate_score,
        "meta": _json_safe(article.meta),
    }


def story_sources(story: Story, articles: Mapping[str, Article]) -> list[str]:
    """The story's outlets, from its members when the clusterer did not list them."""
    if story.sources:
        return list(story.sources)
    found = (articles[aid].source for aid in story.articles if aid in articles)
    return list(dict.fromkeys(s for s in found if s))


def story_to_dict(story: Story, articles: Mapping[str, Article]) -> dict[str, Any]:
    data = _story_core(story, articles)
    if story.analysis is not None:  # entities, quotes, facts, conflicts, timeline, ...
        data.update(_json_safe(analysis_to_dict(story.analysis)))
    return data


def _story_core(story: Story, articles: Mapping[str, Article]) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.articles),
        "first_seen": story.first_seen,
        "last_seen": story.last_seen,
        "sources": story_sources(story, articles),
        "summary": [{"text": s.text, "citations": list(s.citations)} for s in story.summary],
        "members": [
            {
                "article": m.article,
                "similarity": m.similarity,
                "shared_entities": list(m.shared_entities),
                "date_gap_days": m.date_gap_days,
                "reason": m.reason,
            }
            for m in story.members
        ],
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    articles = {a.id: a for a in report.articles}
    return {
        "version": VERSION,
        "articles": [article_to_dict(a) for a in report.articles],
        "stories": [story_to_dict(s, articles) for s in report.stories],
        "problems": [asdict(p) for p in report.problems],
        "stats": [asdict(s) for s in report.stats],
        "new_articles": report.new_articles,
    }
