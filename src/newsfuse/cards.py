"""Stories and articles as lists and pages show them: small records, no article texts.

Built once per database state by the Library (library.py) and shared by every request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from newsfuse.model import Article, Story


@dataclass(slots=True)
class StoryCard:
    """A story as a list shows it: enough to choose one, no article texts."""

    id: str
    title: str
    first_seen: str | None
    last_seen: str | None
    articles: int
    sources: list[str]
    independent_sources: int  # outlets with an article that is not a near-copy of another
    coverage: list[tuple[str, int]]  # (day, articles published that day), oldest first


@dataclass(slots=True)
class StoryPage:
    total: int
    offset: int
    limit: int
    stories: list[StoryCard]


@dataclass(slots=True)
class ArticleRecord:
    """An article with where it stands: its story and the near-copies on either side."""

    article: Article
    story: str | None
    original: Article | None  # the article this one copies, when it is a near-duplicate
    copies: list[Article]  # stored articles that are near-copies of this one


@dataclass(slots=True)
class Found:
    """Search results, best first."""

    stories: list[StoryCard]
    articles: list[Article]


@dataclass(slots=True)
class Head:
    source: str
    published: str | None
    duplicate_of: str | None


def day(value: str | None) -> str | None:
    return value[:10] if value else None


def card(story: Story, heads: Mapping[str, Head]) -> StoryCard:
    """The story's card; `heads` has every stored article's source, date and copy link."""
    members = [heads[a] for a in story.articles if a in heads]
    days = Counter(d for d in (day(h.published) for h in members) if d)
    sources = list(story.sources) or sorted({h.source for h in members if h.source})
    return StoryCard(
        id=story.id,
        title=story.title,
        first_seen=story.first_seen,
        last_seen=story.last_seen,
        articles=len(story.articles),
        sources=sources,
        independent_sources=len({h.source for h in members if h.duplicate_of is None}),
        coverage=sorted(days.items()),
    )
