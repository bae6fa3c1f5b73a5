"""Publication dates as ISO "YYYY-MM-DD", from whatever form a page or a feed wrote them in.

Compiled patterns cover the forms news sites use (a few microseconds each); dateparser, at
~1 ms a call, only sees the leftovers, and only with complete absolute dates allowed, so
"today" or "June 17" never resolve against the clock and results stay deterministic.

A numeric date such as "02/05/2025" is 5 February in the United States and 2 May almost
everywhere else. The cleaner cannot know which from the one page, so `read_date` keeps both
readings (month first, then day first) unless the same value settles it: another numeric
date that reads only one way ("updated 13/05/2025") or a weekday that fits only one reading
("Friday 02/05/2025"). The story stage chooses between kept readings with the evidence of the
other reports (analysis/readings.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from newsfuse.model import DATE_ORDER_KEY, DAY_FIRST, MONTH_FIRST, PUBLISHED_READINGS_KEY

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
# Each pattern names its parts; the first that yields a real calendar date wins.
_PATTERNS = [
    re.compile(rf"(?<!\d){_YEAR}(?:[-/]|\. ?)(?P<m>[01]?\d)(?:[-/]|\. ?)(?P<d>[0-3]?\d)(?!\d)"),
    re.compile(rf"\b{_MONTH}\s*{_DAY}\b[\s,./-]*{_YEAR}\b", re.I),
    re.compile(rf"(?<!\d){_DAY}\.?[\s/-]*(?:of\s+)?{_MONTH}\b[\s,./-]*{_YEAR}\b", re.I),
    re.compile(
        r"(?<![\d/])(?P<a>[0-3]?\d)\s*/\s*(?P<b>[0-3]?\d)\s*/\s*(?P<y>(?:19|20)?\d\d)(?![\d/])"
    ),
    re.compile(r"(?<![\d.])(?P<b>[0-3]?\d)\. ?(?P<a>[01]?\d)\. ?(?P<y>(?:19|20)\d\d)(?!\d)"),
]
# Dates inside URL paths: /2013/may/03/, /2013/05/03/, /2013-07-21/, /20130308/.
_URL_DATE = re.compile(
    rf"(?<=[/_-]){_YEAR}[/-](?:(?P<m>[01]?\d)|{_MONTH})[/-]{_DAY}(?=[/_.-]|$)",
    re.I,
)
_URL_COMPACT = re.compile(
    rf"(?<=[/_-]){_YEAR}(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
_NUMERIC = 3  # the index of the slash pattern, the only one written both ways round
_WEEKDAY = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rsday|urday|r|rs)?\b\.?", re.I
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ISO_SHAPE = re.compile(r"\d{4}-\d\d-\d\d")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_HAS_DAY = re.compile(r"(?<!\d)[0-3]?\d(?!\d)")


def _build(y: str, m: int, d: str) -> str | None:
    year = int(y)
    if year < 100:  # two-digit years in numeric dates: "10/25/11"
        year += 2000 if year < 70 else 1900
    try:
        return date(year, m, int(d)).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Reading:
    """A written date and every calendar date it can stand for, the default reading first."""

    dates: tuple[str, ...]
    order: str | None = None  # DAY_FIRST / MONTH_FIRST when the written form settles it

    @property
    def iso(self) -> str:
        return self.dates[0]

    @property
    def ambiguous(self) -> bool:
        return len(self.dates) > 1

    def meta(self) -> dict[str, Any]:
        """What Article.meta keeps of the reading: both dates while the choice is open, and
        the order a numeric date forced (the site's habit, evidence for its other pages)."""
        found: dict[str, Any] = {}
        if self.ambiguous:
            found[PUBLISHED_READINGS_KEY] = list(self.dates)
        if self.order:
            found[DATE_ORDER_KEY] = self.order
        return found


def _numeric(match: re.Match[str]) -> Reading | None:
    """Both readings of "a/b/y": month first (the default), then day first."""
    parts = match.groupdict()
    first, second = int(parts["a"]), int(parts["b"])
    month_first = _build(parts["y"], first, str(second))
    day_first = _build(parts["y"], second, str(first))
    if month_first and day_first and month_first != day_first:
        return Reading((month_first, day_first))
    if month_first:
        return Reading((month_first,), MONTH_FIRST if second > 12 else None)
    return Reading((day_first,), DAY_FIRST) if day_first else None


def _reading(match: re.Match[str]) -> Reading | None:
    parts = match.groupdict()
    if match.re is _PATTERNS[_NUMERIC]:
        return _numeric(match)
    if parts.get("a"):  # "14.09.2023": dotted dates are day first by convention
        iso = _build(parts["y"], int(parts["a"]), parts["b"])
    elif parts.get("mon"):
        iso = _build(parts["y"], _MONTHS[parts["mon"][:3].lower()], parts["d"])
    else:
        iso = _build(parts["y"], int(parts["m"]), parts["d"])
    return Reading((iso,)) if iso else None


def _from_match(match: re.Match[str]) -> str | None:
    found = _reading(match)
    return found.iso if found else None


def numeric_order(text: str) -> str | None:
    """The order that the numeric dates in `text` force ("13/05/2025" is day first), or None
    when none forces one or they disagree."""
    orders = set()
    for match in _PATTERNS[_NUMERIC].finditer(text):
        found = _numeric(match)
        if found is not None and found.order:
            orders.add(found.order)
    return orders.pop() if len(orders) == 1 else None


def _settle(found: Reading, text: str, start: int, end: int) -> Reading:
    """One reading of an ambiguous date, where its own line says which."""
    order = numeric_order(text)
    if order is not None:
        return Reading((found.dates[0 if order == MONTH_FIRST else 1],), order)
    near = _WEEKDAY.search(text[max(0, start - 12) : end + 14])
    if near is not None and near.group(0)[0].isupper():  # "Fri", not "she sat"
        weekday = _WEEKDAYS.index(near.group(1).lower())
        fits = [d for d in found.dates if date.fromisoformat(d).weekday() == weekday]
        if len(fits) == 1:
            order = MONTH_FIRST if fits[0] == found.dates[0] else DAY_FIRST
            return Reading((fits[0],), order)
    return found


def find_reading(text: str) -> tuple[Reading, int, int] | None:
    """The first calendar date written in `text` in a common form, with every reading the
    rest of `text` leaves open: (reading, start, end)."""
    best: tuple[Reading, int, int] | None = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found = _reading(match)
            if found is not None:
                if best is None or match.start() < best[1]:
                    best = (found, match.start(), match.end())
                break
    if best is not None and best[0].ambiguous:
        best = (_settle(best[0], text, best[1], best[2]), best[1], best[2])
    return best


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first calendar date written in `text` in a common form: (iso, start, end).
    An ambiguous numeric date gives its default (month-first) reading; `find_reading`
    gives both."""
    found = find_reading(text)
    return (found[0].iso, found[1], found[2]) if found else None


def url_date(url: str) -> str | None:
    """The date that many news sites put in their article paths."""
    match = _URL_DATE.search(url) or _URL_COMPACT.search(url)
    return _from_match(match) if match else None


def parse_date(value: str) -> str | None:
    """Any written date ("14 Sept 2023", "Monday, June 17, 2024", "2013-05-03T10:00Z",
    "/2013/may/03/") as "YYYY-MM-DD"; None when it names no complete calendar date."""
    found = read_date(value)
    return found.iso if found else None


def read_date(value: str) -> Reading | None:
    """Like parse_date, with both readings of an ambiguous numeric date kept."""
    value = value.strip()
    if not value or len(value) > 200:
        return None
    found = find_reading(value)
    if found is not None:
        return found[0]
    iso = url_date(value)
    if iso is None and not _ISO_SHAPE.match(value) and looks_datable(value):
        iso = _dateparser(value)  # an impossible ISO date is not reread as year-day-month
    return Reading((iso,)) if iso else None


def looks_datable(text: str) -> bool:
    """Cheap filter before dateparser: a year and another small number are both present."""
    return bool(_HAS_YEAR.search(text)) and len(_HAS_DAY.findall(text)) >= 1


@lru_cache(maxsize=4096)
def _dateparser(value: str) -> str | None:
    parser = _dateparser_module()
    try:
        parsed = parser.parse(value, settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, TypeError, AttributeError):
        return None
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()


# Complete absolute dates only: no relative expressions, no parts filled from the clock.
_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_LOCALE_DATE_ORDER": True,
}


@lru_cache(maxsize=1)
def _dateparser_module() -> Any:
    import dateparser

    return dateparser
