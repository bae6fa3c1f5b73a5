"""Plain data that flows between the pipeline stages.

Stages exchange only these dataclasses, never each other's internals, so that the local
and the Dask engine can run the same stage functions and the store can persist every
field losslessly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass(slots=True)
class RawDoc:
    """One input record as a reader found it, before any cleaning."""

    origin: str  # file path, or "path:line" for JSONL
    text: str | None = None
    html: str | None = None
    id: str | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Article:
    """A cleaned article: main text only, with the clutter that was removed kept aside."""

    id: str
    origin: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date ("2023-09-14") or datetime
    language: str | None = None
    removed: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)


# Article.meta keys for a publication date written as an ambiguous numeric date ("02/05/2025"):
# the cleaner keeps both readings, the story stage (analysis/readings.py) picks one with the
# evidence of the other reports and says why.
PUBLISHED_READINGS_KEY = "published_readings"  # [month-first ISO, day-first ISO]
DATE_ORDER_KEY = "date_order"  # the order a numeric date on the page itself forced
PUBLISHED_CHOICE_KEY = "published_choice"  # why Article.published is the reading it is
DAY_FIRST, MONTH_FIRST = "day-first", "month-first"


def filed_date(article: Article) -> str | None:
    """The publication date the grouping stages (dedup ranks, clustering days) see.

    For a date kept in two readings this is the cleaner's first reading, never the one the
    story later chose: the choice depends on the story, so grouping by it would make a run
    resumed over settled articles group differently from one run over the same input.
    """
    found = article.meta.get(PUBLISHED_READINGS_KEY)
    if isinstance(found, list | tuple) and found and isinstance(found[0], str):
        return found[0]
    return article.published


@dataclass(slots=True)
class Problem:
    """An input that could not be used: `where` is "path[:line]", `message` says why."""

    where: str
    message: str
    stage: str = "read"

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(slots=True)
class Membership:
    """Why one article belongs to its story: the evidence users ask for."""

    article: str
    similarity: float  # cosine similarity of the article to the rest of its story
    shared_entities: list[str] = field(default_factory=list)
    date_gap_days: int | None = None  # distance to the story's median date
    reason: str = ""


@dataclass(slots=True)
class SummarySentence:
    text: str
    citations: list[str] = field(default_factory=list)  # article ids


@dataclass(slots=True)
class Story:
    id: str
    title: str
    articles: list[str]
    first_seen: str | None = None
    last_seen: str | None = None
    sources: list[str] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    members: list[Membership] = field(default_factory=list)
    analysis: Analysis | None = None  # filled by the analysis stage


@dataclass(slots=True)
class Entity:
    """A person, organisation or place, with every name the story's articles use for it."""

    name: str  # canonical (longest full) form
    type: str  # PERSON | ORG | GPE | LOC | NORP | ...
    aliases: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    mentions: int = 0


@dataclass(slots=True)
class Span:
    """Exact evidence: `text` is article[start:end] of the cleaned article text."""

    article: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class QuoteVariant:
    text: str
    article: str
    start: int = -1
    end: int = -1
    cue: str | None = None  # "said", "told", "stated"...
    direct: bool = True  # False for reported speech


@dataclass(slots=True)
class Quote:
    """One statement, grouped across the sources that report it in different words."""

    speaker: str | None  # a story entity name where resolved
    text: str  # the representative wording
    variants: list[QuoteVariant] = field(default_factory=list)


@dataclass(slots=True)
class Fact:
    text: str
    articles: list[str] = field(default_factory=list)
    independent_sources: int = 0
    spans: list[Span] = field(default_factory=list)
    earliest: str | None = None  # article id that reported it first


@dataclass(slots=True)
class Claim:
    text: str  # the disputed value as written ("about four hours")
    article: str
    sentence: str = ""
    start: int = -1
    end: int = -1
    value: str | None = None  # normalised value ("4 h", "2023-09-13")


@dataclass(slots=True)
class Conflict:
    kind: str  # duration | count | money | number | date | time | place | quote
    topic: str  # what the claims disagree about
    claims: list[Claim] = field(default_factory=list)


@dataclass(slots=True)
class TimelineEvent:
    date: str  # ISO date
    text: str
    articles: list[str] = field(default_factory=list)
    expression: str | None = None  # "on Wednesday" as written


@dataclass(slots=True)
class Anomaly:
    kind: str  # misdated | predated | ...
    article: str
    detail: str


@dataclass(slots=True)
class ProvenanceLink:
    article: str
    derived_from: str | None
    score: float = 0.0
    evidence: str = ""  # "shares 14 passages, published 2 days later", "credit: Reuters"
    agencies: list[str] = field(default_factory=list)  # wire credits found in the article


@dataclass(slots=True)
class ArticleUpdate:
    """A member article that was replaced by a newer version of itself (same id or URL)."""

    article: str
    version: int  # the new version number; version 1 is the first one stored
    changed: str  # one line for people: "2 sentences added, 1 removed"
    added: list[str] = field(default_factory=list)  # new sentences (the first few)
    removed: list[str] = field(default_factory=list)  # sentences the new version dropped
    old_published: str | None = None  # the replaced version's publication date
    new_published: str | None = None
    seen: str | None = None  # when newsfuse stored the new version (ISO timestamp, UTC)
    numbers: list[str] = field(default_factory=list)  # "death toll rose to 12 → 15"
    rewritten: list[list[str]] = field(default_factory=list)  # [old, new] sentence pairs


@dataclass(slots=True)
class Analysis:
    """Everything the cross-source analysis finds in one story."""

    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    provenance: list[ProvenanceLink] = field(default_factory=list)
    story_dates: list[str] = field(default_factory=list)  # estimated dates of the events
    updates: list[ArticleUpdate] = field(default_factory=list)  # newer versions of members


@dataclass(slots=True)
class StageStat:
    """Counts and time of one stage, shown by the CLI and kept in the report."""

    stage: str
    items_in: int = 0
    items_out: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class Report:
    # Lists, or for a run into a database file, views that read the file when used
    # (store/views.py): a million articles need not sit in memory.
    articles: Sequence[Article] = field(default_factory=list)
    stories: Sequence[Story] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stats: list[StageStat] = field(default_factory=list)
    new_articles: int = 0  # articles this run added to the database


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    return asdict(analysis)


def analysis_from_dict(data: dict[str, Any]) -> Analysis:
    """Inverse of analysis_to_dict; unknown keys are ignored so older rows still load."""

    def many(cls: type, rows: list[dict[str, Any]] | None) -> list[Any]:
        names = {f.name for f in fields(cls)}
        return [cls(**{k: v for k, v in row.items() if k in names}) for row in rows or []]

    quotes = []
    for row in data.get("quotes") or []:
        quote = Quote(speaker=row.get("speaker"), text=row.get("text", ""))
        quote.variants = many(QuoteVariant, row.get("variants"))
        quotes.append(quote)
    facts = []
    for row in data.get("facts") or []:
        fact = many(Fact, [{k: v for k, v in row.items() if k != "spans"}])[0]
        fact.spans = many(Span, row.get("spans"))
        facts.append(fact)
    conflicts = []
    for row in data.get("conflicts") or []:
        conflict = Conflict(kind=row.get("kind", ""), topic=row.get("topic", ""))
        conflict.claims = many(Claim, row.get("claims"))
        conflicts.append(conflict)
    return Analysis(
        entities=many(Entity, data.get("entities")),
        quotes=quotes,
        facts=facts,
        conflicts=conflicts,
        timeline=many(TimelineEvent, data.get("timeline")),
        anomalies=many(Anomaly, data.get("anomalies")),
        provenance=many(ProvenanceLink, data.get("provenance")),
        story_dates=list(data.get("story_dates") or []),
        updates=many(ArticleUpdate, data.get("updates")),
    )


@dataclass(slots=True)
class IngestReport:
    """What one incremental ingest changed; stories not listed were left untouched."""

    new_articles: int = 0
    updated_articles: int = 0  # stored again as a new version of an existing article
    unchanged: int = 0  # already stored with the same text (or an older version of it)
    duplicates: int = 0  # new articles recognised as copies of another article
    batches: int = 0
    stories_changed: list[str] = field(default_factory=list)  # ids created or re-analysed
    stories_merged: dict[str, str] = field(default_factory=dict)  # old id -> id it resolves to
    problems: list[Problem] = field(default_factory=list)
    stats: list[StageStat] = field(default_factory=list)
