"""What a rendered story shows, computed once for the HTML page and the Markdown brief.

Both renderers number a story's articles the same way, so "[2]" means the same source in
every format, and neither has to decide again which URLs are safe to link.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsfuse.brief.report import story_sources
from newsfuse.brief.sections import Cite, Sections, day_label, folded, sections
from newsfuse.model import PUBLISHED_CHOICE_KEY, Analysis, Article, Membership, Story


@dataclass(slots=True)
class SourceEntry:
    number: int
    anchor: str
    article: str
    source: str
    title: str | None
    url: str | None  # only http(s) URLs; anything else is shown as text, never linked
    raw_url: str | None
    published: str | None
    duplicate_of: str | None
    duplicate_number: int | None
    why: str
    notes: list[tuple[str, list[Cite]]] = field(default_factory=list)  # what it adds, copies


@dataclass(slots=True)
class SentenceEntry:
    text: str
    citations: list[tuple[int, str]] = field(default_factory=list)  # (number, anchor)


@dataclass(slots=True)
class StoryView:
    index: int
    anchor: str
    id: str
    title: str
    dates: str
    sources: list[str]
    summary: list[SentenceEntry]
    entries: list[SourceEntry]
    filename: str
    sections: Sections = field(default_factory=Sections)
    events: str = ""  # when the events happened, by the analysis ("" when unknown)


def safe_url(url: str | None) -> str | None:
    """A URL worth linking: http(s) with a host. "javascript:" and friends stay text."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(c.isspace() or c in "<>\"'`" for c in url.strip()):
        return None
    return url.strip()


def date_range(first: str | None, last: str | None) -> str:
    """Dates as days: the full timestamps stay in report.json."""
    a, b = (d[:10] if d else None for d in (first, last))
    if a and b and a != b:
        return f"{a} – {b}"
    return a or b or "date unknown"


def why(member: Membership | None) -> str:
    """The evidence for membership, in words a reader can check. The cluster stage words its
    own reason (text similarity, shared names, date gap, score); repeating the same figures
    after it only made readers compare two similarities that measure different things."""
    if member is None:
        return "no membership evidence recorded"
    if member.reason:
        return member.reason
    parts = [f"similarity {member.similarity:.2f} to the rest of the story"]
    if member.shared_entities:
        shown = ", ".join(member.shared_entities[:8])
        more = len(member.shared_entities) - 8
        parts.append(f"shares {shown}" + (f" and {more} more" if more > 0 else ""))
    if member.date_gap_days is not None:
        days = member.date_gap_days
        parts.append(f"{days} day{'s' if abs(days) != 1 else ''} from the story's median date")
    return "; ".join(parts)


def _seen(story: Story, articles: Mapping[str, Article]) -> tuple[str | None, str | None]:
    """The story's dates, or its members' when the clusterer left them unset."""
    if story.first_seen or story.last_seen:
        return story.first_seen, story.last_seen
    dates = sorted(d for d in (articles[a].published for a in story.articles if a in articles) if d)
    return (dates[0], dates[-1]) if dates else (None, None)


def story_filename(story_id: str) -> str:
    """A file name that cannot escape stories/ or clash, whatever the id contains."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", story_id)[:80]
    if safe != story_id or not safe:
        safe = f"{safe}-{hashlib.sha1(story_id.encode()).hexdigest()[:10]}"
    return f"{safe}.md"


def story_view(story: Story, articles: Mapping[str, Article], index: int) -> StoryView:
    anchor = f"story-{index}"
    ids = list(dict.fromkeys(story.articles))
    numbers = {aid: k + 1 for k, aid in enumerate(ids)}
    members = {m.article: m for m in story.members}
    entries = []
    for aid in ids:
        article = articles.get(aid)
        dup = article.duplicate_of if article else None
        entries.append(
            SourceEntry(
                number=numbers[aid],
                anchor=f"{anchor}-a{numbers[aid]}",
                article=aid,
                source=article.source if article else "",
                title=article.title if article else None,
                url=safe_url(article.url) if article else None,
                raw_url=article.url if article else None,
                published=article.published if article else None,
                duplicate_of=dup,
                duplicate_number=numbers.get(dup) if dup else None,
                why=why(members.get(aid)),
            )
        )

    def cite(ids: Sequence[str]) -> list[Cite]:
        found = sorted({numbers[a] for a in ids if a in numbers})
        return [(n, f"{anchor}-a{n}") for n in found]

    summary = [SentenceEntry(s.text, cite(s.citations)) for s in story.summary]
    if story.analysis is not None:
        for e in entries:
            e.notes = source_notes(e.article, story.analysis, cite)
    for e in entries:
        choice = (
            articles[e.article].meta.get(PUBLISHED_CHOICE_KEY) if e.article in articles else None
        )
        if choice:  # "02/05/2025" read one way: say which and why, beside the date shown
            e.notes.append((f"date: {choice}", []))
    parts = sections(story.analysis, cite, folded([s.text for s in story.summary]))
    names = {e.article: e.source for e in entries}
    for u in parts.updates:
        u.source = names.get(u.article, "")
    return StoryView(
        index=index,
        anchor=anchor,
        id=story.id,
        title=story.title,
        dates=date_range(*_seen(story, articles)),
        sources=story_sources(story, articles),
        summary=summary,
        entries=entries,
        filename=story_filename(story.id),
        sections=parts,
        events=event_range(story.analysis.story_dates if story.analysis else []),
    )


def event_range(dates: Sequence[str]) -> str:
    """The events' days, which can differ from the publication dates (late or misdated
    copies); the header shows both."""
    found = sorted(d for d in dates if d)
    if not found:
        return ""
    first, last = day_label(found[0]), day_label(found[-1])
    return first if first == last else f"{first} – {last}"


def source_notes(
    article: str, analysis: Analysis, cite: Callable[[Sequence[str]], list[Cite]]
) -> list[tuple[str, list[Cite]]]:
    """What one article contributes and where it comes from, each with the articles involved."""
    notes: list[tuple[str, list[Cite]]] = []
    backed = [f for f in analysis.facts if article in f.articles]
    alone = sum(f.articles == [article] for f in backed)
    shared = sum(f.independent_sources > 1 for f in backed)
    first = sum(f.earliest == article and f.independent_sources > 1 for f in backed)
    adds = [f"adds {alone} detail{_s(alone)} no other article has"] if alone else []
    if shared:
        earliest = f" (earliest for {first})" if first else ""
        adds.append(f"confirms {shared} fact{_s(shared)} other sources report{earliest}")
    if adds:
        notes.append(("; ".join(adds), []))
    for link in analysis.provenance:
        if link.article != article:
            continue
        if link.derived_from:
            why = f" ({link.evidence})" if link.evidence else ""
            notes.append(
                (
                    f"likely copies or rewrites, score {link.score:.2f}{why}:",
                    cite([link.derived_from]),
                )
            )
        if link.agencies:
            notes.append((f"credits {', '.join(link.agencies)}", []))
    for anomaly in analysis.anomalies:
        if anomaly.article == article:
            notes.append((f"date flag ({anomaly.kind}): {anomaly.detail}", []))
    return notes


def _s(n: int) -> str:
    return "" if n == 1 else "s"
