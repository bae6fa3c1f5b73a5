"""Publication dates as ISO "YYYY-MM-DD", from whatever form a page or a feed wrote them in.

Compiled patterns cover the forms news sites use (a few microseconds each); dateparser, at
~1 ms a call, only sees the leftovers, and only with complete absolute dates allowed, so
"today" or "June 17" never resolve against the clock and results stay deterministic.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

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
        r"(?<![\d/])(?P<a>[01]?\d)\s*/\s*(?P<b>[0-3]?\d)\s*/\s*(?P<y>(?:19|20)?\d\d)(?![\d/])"
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


def _from_match(match: re.Match[str]) -> str | None:
    parts = match.groupdict()
    if parts.get("mon"):
        month = _MONTHS[parts["mon"][:3].lower()]
        return _build(parts["y"], month, parts["d"])
    if parts.get("m"):
        return _build(parts["y"], int(parts["m"]), parts["d"])
    first, second = int(parts["a"]), int(parts["b"])
    # Numeric dates are month-first (US style) unless that is impossible.
    if first > 12 >= second:
        first, second = second, first
    return _build(parts["y"], first, str(second))


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first calendar date written in `text` in a common form: (iso, start, end)."""
    best: tuple[str, int, int] | None = None
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            iso = _from_match(match)
            if iso is not None:
                if best is None or match.start() < best[1]:
                    best = (iso, match.start(), match.end())
                break
    return best


def url_date(url: str) -> str | None:
    """The date that many news sites put in their article paths."""
    match = _URL_DATE.search(url) or _URL_COMPACT.search(url)
    return _from_match(match) if match else None


def parse_date(value: str) -> str | None:
    """Any written date ("14 Sept 2023", "Monday, June 17, 2024", "2013-05-03T10:00Z",
    "/2013/may/03/") as "YYYY-MM-DD"; None when it names no complete calendar date."""
    value = value.strip()
    if not value or len(value) > 200:
        return None
    found = find_date(value)
    if found is not None:
        return found[0]
    iso = url_date(value)
    if iso is not None:
        return iso
    if _ISO_SHAPE.match(value) or not looks_datable(value):
        return None  # an impossible ISO date is not to be reread as year-day-month
    return _dateparser(value)


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
