"""When things happened: the story's date, a timeline of events, and misdated articles.

The story's date is estimated from every date the articles carry (publication dates, datelines,
full dates in the text): the dates are cut into clusters no wider than the story time window,
the cluster backed by most articles wins, and its median publication date is the reference.
One misdated copy therefore cannot move it; when clusters tie, the earlier wins, because copies
republished later with a fresh date are far more common than reports dated before their own
events.

Each article's relative dates ("on Wednesday") resolve against its own publication date, unless
it has none or its date is flagged as wrong; then they resolve against the story's date, and an
anomaly says so. An article is misdated when its publication date lies more than MISDATED_DAYS
from the story's date while its text gives no date of its own near that publication date and no
sign of looking back ("a year after", "last year", "anniversary"): it tells the events as recent,
so its date, not its content, is wrong.

Publication dates are the ones the story chose where a numeric date read both ways
(analysis/readings.py), and numeric dates in the text follow the order the article uses. Each
dated sentence becomes one timeline item; events.py words and groups them into events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from newsfuse.analysis.dates import (
    dateline,
    find_dates,
    looks_ahead,
    published_date,
    resolve,
)
from newsfuse.analysis.events import DatedClause, build_timeline, event_text, pair_score
from newsfuse.analysis.readings import order_of
from newsfuse.analysis.samefact import is_same_fact
from newsfuse.analysis.sentences import clauses, split_sentences
from newsfuse.embed import Encoder
from newsfuse.model import Anomaly, Article, Claim, Conflict

__all__ = [  # build_timeline and DatedClause live in analysis/events.py
    "DatedClause",
    "StoryDate",
    "build_timeline",
    "date_conflicts",
    "dated_clauses",
    "estimate_story_date",
    "find_anomalies",
    "story_dates",
]
MISDATED_DAYS = 60
_LOOKING_BACK = re.compile(
    r"\b(?:anniversary|a year (?:ago|after|later|since)|(?:\w+|\d+) (?:years|months) "
    r"(?:ago|after|later|since)|last year|years? earlier|months? earlier)\b",
    re.IGNORECASE,
)
_TIMELINE_KINDS = frozenset(
    ("iso", "numeric", "dmy", "mdy", "weekday", "day_word", "day_part", "days_ago")
) | frozenset(("month_year", "rel_month", "rel_year", "in_month"))


@dataclass(slots=True)
class StoryDate:
    reference: date | None  # the story's date: relative dates of undated articles use it
    evidence: str
    published: dict[str, date] = field(default_factory=dict)  # article -> its own date


def _own_date(article: Article) -> date | None:
    found = published_date(article)
    if found is None:
        line = dateline(article)
        found = line[1] if line else None
    return found


def _text_dates(article: Article) -> list[date]:
    """Full dates written in the text (not the dateline): evidence of when the events were."""
    line = dateline(article)
    skip = line[0].start if line else -1
    order = order_of(article)
    found = []
    for expr in find_dates(article.text):
        if expr.start != skip and expr.absolute and expr.precision == "day":
            value = resolve(expr, None, order=order)
            if value:
                found.append(date.fromisoformat(value))
    return found


def estimate_story_date(articles: list[Article], window_days: int = 7) -> StoryDate:
    published = {a.id: d for a in articles if (d := _own_date(a)) is not None}
    votes = sorted(
        [(d, a, True) for a, d in published.items()]
        + [(d, a.id, False) for a in articles for d in _text_dates(a)]
    )
    if not votes:
        return StoryDate(None, "no article carries a date", published)
    clusters: list[list[tuple[date, str, bool]]] = [[votes[0]]]
    for vote in votes[1:]:
        if (vote[0] - clusters[-1][0][0]).days <= window_days:
            clusters[-1].append(vote)
        else:
            clusters.append([vote])
    support = [len({a for _, a, _ in c}) for c in clusters]
    best = max(range(len(clusters)), key=lambda i: (support[i], -i))
    chosen = clusters[best]
    pubs = sorted(d for d, _, own in chosen if own) or sorted(d for d, _, _ in chosen)
    reference = pubs[(len(pubs) - 1) // 2]
    backers = sorted({a for _, a, _ in chosen})
    evidence = f"{reference.isoformat()}, from the dates of {', '.join(backers)}"
    outside = sorted({a for i, c in enumerate(clusters) if i != best for _, a, _ in c})
    if outside:
        tie = sum(1 for s in support if s == support[best]) > 1
        evidence += f"; {', '.join(outside)} dated apart" + (
            ", equally supported: the earlier date wins" if tie else ""
        )
    return StoryDate(reference, evidence, published)


def find_anomalies(articles: list[Article], story: StoryDate) -> list[Anomaly]:
    """Misdated and predated articles, and undated ones whose dates were inferred."""
    anomalies: list[Anomaly] = []
    ref = story.reference
    for article in articles:
        own = story.published.get(article.id)
        expressions = [e for e in find_dates(article.text) if not e.absolute]
        shown = ", ".join(sorted({f"'{e.text}'" for e in expressions})[:4])
        if own is None:
            if ref is not None:
                detail = (
                    f"no publication date; relative dates resolved against the story's date {ref}"
                )
                anomalies.append(
                    Anomaly("undated", article.id, detail + (f" ({shown})" if shown else ""))
                )
            continue
        if ref is None or abs((own - ref).days) <= MISDATED_DAYS:
            continue
        near = [d for d in _text_dates(article) if abs((d - own).days) <= MISDATED_DAYS]
        if near or _LOOKING_BACK.search(article.text):
            continue  # a later article that says when the events were: not misdated
        gap = (own - ref).days
        told = f"tells the events as recent ({shown})" if shown else "gives no date for them"
        anomalies.append(
            Anomaly(
                "misdated" if gap > 0 else "predated",
                article.id,
                f"published {own}, {abs(gap)} days {'after' if gap > 0 else 'before'} the "
                f"story's date ({story.evidence}); its text {told} and dates nothing near "
                f"{own}, so its date is likely wrong; its relative dates are read against {ref}",
            )
        )
    return anomalies


def dated_clauses(
    articles: list[Article], story: StoryDate, anomalies: list[Anomaly]
) -> list[DatedClause]:
    """Every dated event the articles tell, with the sentence that tells it.

    Dates inside quotations are left out (a quote's "this morning" is the speaker's, not the
    article's), and so are coarser dates of a sentence that also names a day: "resigned on
    Wednesday over a failure this month" is an event of that Wednesday."""
    wrong = {a.article for a in anomalies if a.kind in ("misdated", "predated")}
    found: list[DatedClause] = []
    for article in articles:
        own = story.published.get(article.id)
        reliable = own is not None and article.id not in wrong
        ref = own if reliable else story.reference
        order = order_of(article)
        line = dateline(article)
        sentences = split_sentences(article)
        for k, sentence in enumerate(sentences):
            if not sentence.is_claim:
                continue
            parts = clauses(sentence)
            told: list[DatedClause] = []
            for expr in find_dates(article.text, sentence.start, sentence.end):
                if expr.kind not in _TIMELINE_KINDS or (line and expr.start == line[0].start):
                    continue
                if _inside_quote(sentence.text[: expr.start - sentence.start]):
                    continue
                clause = next((c for c in parts if c.start <= expr.start < c.end), sentence)
                at = expr.start - clause.start
                ahead = looks_ahead(clause.text, at, at + len(expr.text))
                value = resolve(expr, ref, ahead, order)
                text = event_text(article.text, sentences, k, expr.start) if value else None
                if value and text:
                    told.append(
                        DatedClause(
                            article.id,
                            value,
                            text,
                            expr,
                            clause,
                            reliable or expr.absolute,
                            sentence.start,
                            sentence.text,
                        )
                    )
            found += _finest(told)
    return found


def _finest(told: list[DatedClause]) -> list[DatedClause]:
    """One entry per date of a sentence, at the finest precision it names: "the second
    failure this year, after the Brannock Dam burst in March" is an event of March."""
    finest = max((len(d.date) for d in told), default=0)
    kept: dict[str, DatedClause] = {}
    for d in told:
        if len(d.date) == finest and d.date not in kept:
            kept[d.date] = d
    return list(kept.values())


def story_dates(events: list[DatedClause], story: StoryDate, window_days: int = 7) -> list[str]:
    """Day-precision dates of events within the story window: when the story happened."""
    ref = story.reference
    if ref is None:
        return sorted({e.date for e in events if len(e.date) == 10})
    low, high = ref - timedelta(days=window_days), ref + timedelta(days=1)
    inside = {
        e.date for e in events if len(e.date) == 10 and low <= date.fromisoformat(e.date) <= high
    }
    return sorted(inside) or [ref.isoformat()]


def date_conflicts(dated: list[DatedClause], encoder: Encoder) -> list[Conflict]:
    """One event given different days by sources whose dates can be trusted.

    Skipped: dates inside quotations (a quote's "this morning" belongs to whoever said it,
    not to the article's date) and pairs of the same relative words ("on Saturday" twice),
    which differ only because the articles were published on different days.
    """
    items = [d for d in dated if d.reliable and len(d.date) == 10 and not _quoted(d)]
    if len(items) < 2:
        return []
    cos = pair_score(encoder, items)
    conflicts: list[Conflict] = []
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.article == b.article or a.date == b.date or (a.article, b.article) in seen:
                continue
            same_words = a.expression.text.lower() == b.expression.text.lower()
            if same_words and not a.expression.absolute:
                continue
            if _week_apart(a, b):
                continue
            if is_same_fact(a.clause.text, b.clause.text, float(cos[i, j]), encoder.name):
                seen.add((a.article, b.article))
                claims = [
                    Claim(
                        d.expression.text,
                        d.article,
                        d.clause.text,
                        d.expression.start,
                        d.expression.end,
                        d.date,
                    )
                    for d in (a, b)
                ]
                conflicts.append(Conflict("date", f"date of: {a.clause.text[:80]}", claims))
    return conflicts


def _week_apart(a: DatedClause, b: DatedClause) -> bool:
    """Two weekday names resolved into different weeks ("until Thursday" read as last week's
    in one article, next week's in another): the words agree and only the reading of the
    reference week differs, which is not a disagreement between the sources."""
    if a.expression.kind != "weekday" or b.expression.kind != "weekday":
        return False
    gap = (date.fromisoformat(a.date) - date.fromisoformat(b.date)).days
    return gap % 7 == 0


def _quoted(d: DatedClause) -> bool:
    """Whether the expression sits inside quotation marks in its sentence."""
    return _inside_quote(d.sentence_text[: d.expression.start - d.sentence_start])


def _inside_quote(before: str) -> bool:
    """Whether text that ends with `before` has a quotation open."""
    return (
        before.count("“") > before.count("”")
        or before.count("«") > before.count("»")
        or before.count('"') % 2 == 1
    )
