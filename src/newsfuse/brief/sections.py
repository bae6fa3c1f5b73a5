"""The analysis as a journalist reads it: disputes, lone details, quotes, timeline, updates.

Each section answers one question a reporter asks of a pile of coverage (what is contested?
what rests on one outlet? who said what, and did the wording drift? when did it happen? what
did an outlet change after publishing? who copied whom?). Every line carries the numbers of
the articles it rests on, so each statement can be checked. Long stories produce long lists;
each section shows its most useful entries and says how many more report.json holds, so the
brief stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from newsfuse.brief.candidates import strip_dateline, unfit
from newsfuse.model import Analysis, ArticleUpdate, Claim, Conflict, Entity, Fact, Quote

Cite = tuple[int, str]  # (article number, anchor)
Citer = Callable[[Sequence[str]], list[Cite]]

MAX_DISPUTES = 10
MAX_DETAILS = 12
MAX_QUOTES = 12
MAX_WORDINGS = 5
MAX_EVENTS = 20
MAX_UPDATES = 10
MIN_QUOTE_WORDS = 3
_NUMBER = re.compile(r"\d")
_FOLD = re.compile(r"[\W_]+")
_QUALIFIER = re.compile(r"^[≈~<>≤≥+]+|^(?:about|around|over|under|nearly|almost|some)\s+")


@dataclass(slots=True)
class ClaimEntry:
    before: str  # the claim's sentence, split around the disputed words
    words: str
    after: str
    citations: list[Cite]


@dataclass(slots=True)
class SideEntry:
    label: str  # the disputed value as the sources word it ("about four hours")
    claims: list[ClaimEntry]
    citations: list[Cite]  # every article on this side


@dataclass(slots=True)
class DisputeEntry:
    kind: str
    topic: str
    sides: list[SideEntry]


@dataclass(slots=True)
class DetailEntry:
    text: str
    citations: list[Cite]
    note: str = ""


@dataclass(slots=True)
class WordingEntry:
    text: str
    citations: list[Cite]
    direct: bool = True
    cue: str | None = None


@dataclass(slots=True)
class QuoteEntry:
    speaker: str
    statements: list[list[WordingEntry]]  # each statement's wordings, most cited first
    sources: int  # distinct articles quoting this speaker


@dataclass(slots=True)
class EventEntry:
    date: str
    label: str  # "Wed 13 Sep 2023"
    text: str
    citations: list[Cite]
    expression: str | None = None


@dataclass(slots=True)
class UpdateEntry:
    """One article replaced by a newer version of itself, and what the new one changed."""

    article: str
    version: int
    citations: list[Cite]
    when: str  # "published 2 May 2025, now 3 May 2025; found 2025-05-03 08:02 UTC"
    changed: str  # "1 sentence rewritten, 1 added"
    numbers: list[str] = field(default_factory=list)  # "death toll rose to 12 → 15"
    rewritten: list[tuple[str, str]] = field(default_factory=list)  # (was, now)
    added: list[str] = field(default_factory=list)  # new sentences that rewrite none
    removed: list[str] = field(default_factory=list)  # dropped sentences no new one rewrites
    source: str = ""  # the outlet, filled in by the view


@dataclass(slots=True)
class Sections:
    disputes: list[DisputeEntry] = field(default_factory=list)
    details: list[DetailEntry] = field(default_factory=list)
    quotes: list[QuoteEntry] = field(default_factory=list)
    events: list[EventEntry] = field(default_factory=list)
    updates: list[UpdateEntry] = field(default_factory=list)
    more: dict[str, int] = field(default_factory=dict)  # entries left out, per section
    other_details: list[DetailEntry] = field(default_factory=list)  # folded away in HTML


def _split(claim: Claim) -> ClaimEntry:
    sentence = " ".join((claim.sentence or claim.text).split())
    words = " ".join(claim.text.split())
    at = sentence.find(words)
    if at < 0:
        return ClaimEntry(sentence, "", "", [])
    return ClaimEntry(sentence[:at], words, sentence[at + len(words) :], [])


def _side(claim: Claim) -> str:
    """Claims on one side of a dispute: "about four hours", "over four hours" and "a
    four-hour meeting" all say four hours against "two hours"; hedges do not disagree."""
    value = (claim.value or claim.text).casefold().strip()
    return _QUALIFIER.sub("", value).strip()


def disputes(conflicts: list[Conflict], cite: Citer) -> list[DisputeEntry]:
    """Each conflict as its sides: claims with one value together, the best-backed first."""
    out: list[DisputeEntry] = []
    for conflict in conflicts:
        sides: dict[str, list[Claim]] = {}
        for claim in conflict.claims:
            sides.setdefault(_side(claim), []).append(claim)
        if len(sides) < 2:
            continue
        entries = []
        for claims in sides.values():
            rows = []
            for claim in claims:
                row = _split(claim)
                row.citations = cite([claim.article])
                rows.append(row)
            wordings = dict.fromkeys(" ".join(c.text.split()) for c in claims)
            label = " / ".join(wordings)
            if conflict.kind == "quote":
                label = f"“{next(iter(wordings))}”"
            entries.append(SideEntry(label, rows, cite([c.article for c in claims])))
        entries.sort(key=lambda s: -len(s.citations))
        out.append(DisputeEntry(conflict.kind, conflict.topic, entries))
    return out


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.casefold()).strip()


def _specific(fact: Fact, rare: set[str]) -> int:
    """How much a lone detail tells: names no other article mentions, and figures."""
    text = fact.text.casefold()
    return sum(name in text for name in rare) + bool(_NUMBER.search(fact.text))


def details(
    facts: list[Fact], entities: list[Entity], cite: Citer, shown: set[str]
) -> tuple[list[DetailEntry], list[DetailEntry]]:
    """Facts resting on one independent source: the most specific, then the rest; each part
    in article order.

    `shown` holds the folded text of sentences already in the summary. A fact printed by
    several outlets that all copy one origin is still one source, and says so.
    """
    rare = {
        alias.casefold()
        for e in entities
        if len(e.articles) == 1
        for alias in e.aliases
        if len(alias) > 3
    }
    found: list[tuple[int, int, DetailEntry]] = []
    for n, fact in enumerate(facts):
        if fact.independent_sources > 1 or not fact.articles:
            continue
        text = strip_dateline(" ".join(fact.text.split()))
        if unfit(text) or _fold(text) in shown:
            continue
        note = ""
        if len(fact.articles) > 1:
            note = f"printed by {len(fact.articles)} articles that share one origin"
        found.append((-_specific(fact, rare), n, DetailEntry(text, cite(fact.articles), note)))
    found.sort(key=lambda t: (t[0], t[1]))
    picked = sorted(found[:MAX_DETAILS], key=lambda t: (t[2].citations[:1], t[1]))
    rest = sorted(found[MAX_DETAILS:], key=lambda t: (t[2].citations[:1], t[1]))
    return [d for _, _, d in picked], [d for _, _, d in rest]


def quotes(found: list[Quote], cite: Citer) -> tuple[list[QuoteEntry], int]:
    """Attributed statements by speaker, the most quoted speakers first; each statement's
    distinct wordings once, the one most articles print first."""
    speakers: dict[str, QuoteEntry] = {}
    articles: dict[str, set[str]] = {}
    for quote in found:
        if not quote.speaker or not quote.variants:
            continue
        wordings: dict[str, WordingEntry] = {}
        for v in quote.variants:
            text = " ".join(v.text.split())
            key = _fold(text)
            if key not in wordings:
                wordings[key] = WordingEntry(text, [], v.direct, v.cue)
            for c in cite([v.article]):
                if c not in wordings[key].citations:
                    wordings[key].citations.append(c)
        ordered = sorted(wordings.values(), key=lambda w: (-len(w.citations), not w.direct))
        if max(len(w.text.split()) for w in ordered) < MIN_QUOTE_WORDS:
            continue  # a scare-quoted word ("demonstration") is not a statement
        entry = speakers.setdefault(quote.speaker, QuoteEntry(quote.speaker, [], 0))
        entry.statements.append(ordered[:MAX_WORDINGS])
        articles.setdefault(quote.speaker, set()).update(v.article for v in quote.variants)
    for name, entry in speakers.items():
        entry.sources = len(articles[name])
        entry.statements.sort(key=lambda ws: -len({c for w in ws for c in w.citations}))
    entries = sorted(speakers.values(), key=lambda q: -q.sources)  # stable on ties
    shown, left = [], sum(len(e.statements) for e in entries)
    budget = MAX_QUOTES
    for e in entries:
        if budget <= 0:
            break
        e.statements = e.statements[:budget]
        budget -= len(e.statements)
        left -= len(e.statements)
        shown.append(e)
    return shown, left


def day_label(iso: str) -> str:
    """ "2023-09-13" -> "Wed 13 Sep 2023"; months and years as written."""
    try:
        if len(iso) == 10:
            return date.fromisoformat(iso).strftime("%a %d %b %Y").replace(" 0", " ")
        if len(iso) == 7:
            return date.fromisoformat(iso + "-01").strftime("%B %Y")
    except ValueError:
        pass
    return iso


def events(analysis: Analysis, cite: Citer) -> tuple[list[EventEntry], int]:
    """Dated events in order; where one day has many, those most articles report."""
    chosen = sorted(analysis.timeline, key=lambda e: -len(e.articles))[:MAX_EVENTS]
    chosen.sort(key=lambda e: e.date)  # stable: the analysis order within a day
    out = [
        EventEntry(
            e.date, day_label(e.date), " ".join(e.text.split()), cite(e.articles), e.expression
        )
        for e in chosen
    ]
    return out, len(analysis.timeline) - len(out)


def _when(update: ArticleUpdate) -> str:
    """The two versions' dates, and when newsfuse found the new one."""
    old, new = update.old_published, update.new_published
    parts = []
    if old and new and old[:10] != new[:10]:
        parts.append(f"dated {day_label(old[:10])}, now {day_label(new[:10])}")
    elif new or old:
        parts.append(f"dated {day_label((new or old or '')[:10])}")
    if update.seen:
        parts.append(f"new version found {update.seen[:16].replace('T', ' ')} UTC")
    return "; ".join(parts)


def updates(analysis: Analysis, cite: Citer) -> tuple[list[UpdateEntry], int]:
    """Newer versions of member articles, in article order then version: each with the
    figures it changed, the sentences it rewrote, added and dropped."""
    out = []
    for u in analysis.updates:
        pairs = [(_flat(p[0]), _flat(p[1])) for p in u.rewritten if len(p) == 2]
        was, now = {p[0] for p in pairs}, {p[1] for p in pairs}
        out.append(
            UpdateEntry(
                u.article,
                u.version,
                cite([u.article]),
                _when(u),
                u.changed,
                list(u.numbers),
                pairs,
                [t for t in map(_flat, u.added) if t not in now],
                [t for t in map(_flat, u.removed) if t not in was],
            )
        )
    out.sort(key=lambda e: (e.citations[:1], e.article, e.version))
    return out[:MAX_UPDATES], max(0, len(out) - MAX_UPDATES)


def _flat(text: str) -> str:
    return " ".join(text.split())


def sections(analysis: Analysis | None, cite: Citer, shown: set[str]) -> Sections:
    if analysis is None:
        return Sections()
    out = Sections(disputes=disputes(analysis.conflicts, cite))
    out.more["disputes"] = max(0, len(out.disputes) - MAX_DISPUTES)
    out.disputes = out.disputes[:MAX_DISPUTES]
    out.details, out.other_details = details(analysis.facts, analysis.entities, cite, shown)
    out.more["details"] = len(out.other_details)
    out.quotes, out.more["quotes"] = quotes(analysis.quotes, cite)
    out.events, out.more["events"] = events(analysis, cite)
    out.updates, out.more["updates"] = updates(analysis, cite)
    return out


def folded(texts: Sequence[str]) -> set[str]:
    """Texts as `details` compares them (case, spacing and punctuation ignored)."""
    return {_fold(t) for t in texts}
