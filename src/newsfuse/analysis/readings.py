"""Which reading of an ambiguous numeric date a story supports: "02/05/2025", 5 Feb or 2 May?

The cleaner keeps both readings of a publication date written as a numeric date that reads
both ways (Article.meta[PUBLISHED_READINGS_KEY]), because one page cannot tell. A story can:
its other reports carry unambiguous dates, the site writes other dates in one order, its
domain or language has a habit. The evidence is weighed strongest first:

1. the article's own text holds a numeric date that reads only one way ("13/05/2025");
2. other pages of the same source do (a site keeps one order), or their dates were forced;
3. the story's other dates (the other reports' unambiguous publication dates and the full
   dates written in any member's text): the reading that more member articles date within
   the story's time window wins;
4. the site's country domain (.uk, .fr: day first; .us: month first) or a language other
   than English (day first);
5. otherwise month first, the reading the cleaner gave.

`settle_dates` runs after clustering and before analysis, so that the story's first and last
seen, the timeline, the misdated flags and report.json all see the chosen date; it returns the
articles whose date changed, for the engine to store. The choice is made afresh from the kept
readings every time, so it is idempotent, and a report that joins later can still change it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from statistics import median_low
from urllib.parse import urlsplit

from newsfuse.analysis.dates import find_dates, resolve
from newsfuse.model import (
    DATE_ORDER_KEY,
    DAY_FIRST,
    MONTH_FIRST,
    PUBLISHED_CHOICE_KEY,
    PUBLISHED_READINGS_KEY,
    Article,
    Story,
)

# Country domains whose sites write numeric dates month first; most others write day first.
_MONTH_FIRST_TLDS = frozenset(("us", "ph", "fm", "pw", "mh", "as", "gu", "vi", "mp"))
_DAY_FIRST_TLDS = frozenset(
    "uk ie au nz in pk bd lk np za ng ke gh ug tz zw fr de at ch be nl lu es pt it gr mt cy "
    "dk no se fi is pl cz sk si hr rs ba me mk al bg ro md ua by ru tr il eg ma dz tn ae sa "
    "qa kw bh om jo lb iq ir br ar cl co pe uy py bo ec ve mx gt cr pa do cu sg my id vn th "
    "ee lv".split()
)
_YEAR_FIRST_LANGUAGES = frozenset(("zh", "ja", "ko", "hu", "lt"))  # 2025/05/02: no evidence
SOURCE_SCAN = 200  # pages of one source whose text is read for its date order
_GAP = re.compile(r"same day as the story|undated|\d+ days? from the story's date")


def readings_of(article: Article) -> tuple[str, str] | None:
    """The two readings the cleaner kept for the article's publication date, if any."""
    found = article.meta.get(PUBLISHED_READINGS_KEY)
    if isinstance(found, list | tuple) and len(found) == 2 and all(_day(d) for d in found):
        return str(found[0]), str(found[1])
    return None


def order_of(article: Article) -> str | None:
    """How the article writes numeric dates, where anything says: a date on its page that
    reads only one way, else the reading its publication date was given."""
    forced = _forced_order(article)
    if forced is not None:
        return forced
    pair = readings_of(article)
    if pair is not None and article.published and article.published[:10] in pair:
        return MONTH_FIRST if article.published[:10] == pair[0] else DAY_FIRST
    return None


def _forced_order(article: Article) -> str | None:
    orders = {e.order for e in find_dates(article.text) if e.order}
    page = article.meta.get(DATE_ORDER_KEY)
    if page in (DAY_FIRST, MONTH_FIRST):
        orders.add(page)
    return orders.pop() if len(orders) == 1 else None


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def settle_dates(
    stories: Sequence[Story], articles: Mapping[str, Article], window_days: int = 7
) -> list[Article]:
    """Choose each ambiguous publication date's reading from its story's evidence; set it on
    the article (the readings and the reason stay in meta) and refresh the dates of the
    stories whose members moved. Returns the articles whose date or reason changed."""
    if not any(PUBLISHED_READINGS_KEY in a.meta for a in articles.values()):
        return []  # the common case: nothing to choose, nothing scanned
    sources = _SourceOrders(articles.values())
    changed: list[Article] = []
    for story in stories:
        members = [articles[a] for a in dict.fromkeys(story.articles) if a in articles]
        moved = False
        for article in members:
            pair = readings_of(article)
            if pair is None:
                continue
            chosen, why = _choose(article, pair, members, sources, window_days)
            before = (article.published, article.meta.get(PUBLISHED_CHOICE_KEY))
            if (article.published or "")[:10] != chosen:
                article.published = chosen
            # The cluster stage dated the story by the first reading (model.filed_date), also
            # for an article a resumed run finds already settled: redate from that baseline.
            moved = moved or chosen != pair[0]
            article.meta[PUBLISHED_CHOICE_KEY] = why
            if before != (article.published, why):
                changed.append(article)
        if moved:
            _redate(story, members)
    return changed


class _SourceOrders:
    """The order each source's pages force, computed only for sources that need it."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._by_source: dict[str, list[Article]] = defaultdict(list)
        for a in articles:
            self._by_source[a.source].append(a)
        self._known: dict[str, tuple[str, str] | None] = {}

    def order(self, article: Article) -> tuple[str, str] | None:
        """(order, the other article that shows it) for the article's source."""
        if article.source not in self._known:
            found: dict[str, str] = {}
            for k, other in enumerate(self._by_source.get(article.source, [])):
                page = other.meta.get(DATE_ORDER_KEY)
                # A site's habit shows in a few pages: texts are read for the first hundreds
                # only, so one big source costs a bounded scan.
                order = _forced_order(other) if k < SOURCE_SCAN else page
                if order in (DAY_FIRST, MONTH_FIRST):
                    found.setdefault(str(order), other.id)
            self._known[article.source] = next(iter(found.items())) if len(found) == 1 else None
        known = self._known[article.source]
        return known if known is not None and known[1] != article.id else None


def _choose(
    article: Article,
    pair: tuple[str, str],
    members: list[Article],
    sources: _SourceOrders,
    window_days: int,
) -> tuple[str, str]:
    """(the chosen reading, why) for one article's ambiguous publication date."""

    def pick(order: str, why: str) -> tuple[str, str]:
        chosen, other = pair if order == MONTH_FIRST else pair[::-1]
        return chosen, f"read {order} as {chosen}, not {other}: {why}"

    own = _forced_order(article)
    if own is not None:
        return pick(own, f"the page writes another date {own}")
    source = sources.order(article)
    if source is not None:
        return pick(source[0], f"{article.source} writes dates {source[0]} (see {source[1]})")
    fit = _story_fit(article, pair, members, window_days)
    if fit is not None:
        return pick(*fit)
    habit = _locale(article)
    if habit is not None:
        return pick(*habit)
    return pair[0], f"read month first as {pair[0]}, not {pair[1]}: nothing in the story tells"


def _anchors(article: Article, members: list[Article]) -> list[tuple[date, str]]:
    """Unambiguous dates of the story: other members' publication dates, full dates in text."""
    found: list[tuple[date, str]] = []
    for m in members:
        if m.id != article.id and readings_of(m) is None and (d := _day(m.published)):
            found.append((d, m.id))
        for expr in find_dates(m.text):
            if expr.absolute and expr.precision == "day" and not expr.ambiguous:
                value = resolve(expr, None)
                if value and (d := _day(value)):
                    found.append((d, m.id))
    return found


def _story_fit(
    article: Article, pair: tuple[str, str], members: list[Article], window_days: int
) -> tuple[str, str] | None:
    anchors = _anchors(article, members)
    if not anchors:
        return None
    support = []
    for reading in pair:
        day = date.fromisoformat(reading)
        support.append({a for d, a in anchors if abs((d - day).days) <= window_days})
    if len(support[0]) == len(support[1]):
        return None
    best = 0 if len(support[0]) > len(support[1]) else 1
    order = MONTH_FIRST if best == 0 else DAY_FIRST
    others = len(support[best] - {article.id})
    own = article.id in support[best]
    who = f"{others} other article{'s' if others != 1 else ''} of the story" if others else ""
    if own:
        who = f"{who} and its own text" if who else "its own text"
    verb = "give" if others > 1 or (others and own) else "gives"
    rivals = len(support[1 - best])
    return order, (
        f"{who} {verb} dates within {window_days} days of {pair[best]}, "
        f"{rivals or 'none'} near {pair[1 - best]}"
    )


def _locale(article: Article) -> tuple[str, str] | None:
    host = ""
    if article.url:
        try:
            host = urlsplit(article.url).hostname or ""
        except ValueError:
            host = ""
    if not host and "." in article.source and " " not in article.source:
        host = article.source.lower()
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if tld in _MONTH_FIRST_TLDS:
        return MONTH_FIRST, f"the site's domain (.{tld}) writes dates month first"
    if tld in _DAY_FIRST_TLDS:
        return DAY_FIRST, f"the site's domain (.{tld}) writes dates day first"
    language = (article.language or "").lower()
    if language and language != "en" and language not in _YEAR_FIRST_LANGUAGES:
        return DAY_FIRST, f"it is written in a language ({language}) that writes dates day first"
    return None


def _redate(story: Story, members: list[Article]) -> None:
    """First and last seen, the date order of the articles and each member's gap to the
    story's date, as the cluster stage set them, from the chosen dates."""
    days = {a.id: _day(a.published) for a in members}
    dated = sorted((d, a.published or "", a.id) for a in members if (d := days[a.id]))
    story.first_seen = dated[0][1] if dated else None
    story.last_seen = dated[-1][1] if dated else None
    rank = {aid: k for k, (_, _, aid) in enumerate(dated)}
    story.articles = sorted(story.articles, key=lambda a: rank.get(a, len(rank)))
    story.members.sort(key=lambda m: rank.get(m.article, len(rank)))
    centre = median_low([d for d, _, _ in dated]) if dated else None
    for m in story.members:
        d = days.get(m.article)
        gap = abs((d - centre).days) if d and centre else None
        if gap != m.date_gap_days and len(story.members) > 1:
            words = (
                "undated"
                if gap is None
                else "same day as the story"
                if gap == 0
                else (f"{gap} day{'s' if gap != 1 else ''} from the story's date")
            )
            m.reason = _GAP.sub(words, m.reason, count=1)
        m.date_gap_days = gap
