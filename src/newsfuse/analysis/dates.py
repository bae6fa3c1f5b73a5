"""Date expressions in news text and the calendar dates they stand for.

News rarely writes a full date: it says "on Wednesday", "this Thursday", "last month",
relative to when the piece was published. Each expression is found with its offsets and
resolved against a reference date (the article's publication date, or the story's date when
the article has none). Rules, chosen to match news usage:

- a weekday with "on"/"this"/no modifier: in a past-tense clause the most recent such day on
  or before the reference ("Kim on Wednesday pledged", published that Wednesday, is the same
  day); in a future-tense clause ("will visit on Friday") the next such day on or after it;
- "last <weekday>" is strictly before the reference, "next <weekday>" strictly after;
- a day and month without a year ("June 17") takes the year that puts it nearest the reference;
- "last month", "earlier this year", "in September" resolve to a month or year (ISO reduced
  precision: "2023-08", "2023");
- vague phrases ("recently", "in recent months", "last week") are found, never resolved: they
  only tell that the text presents events as recent;
- a numeric date that reads both ways ("02/05/2025") keeps both readings: a weekday written
  with it, or the order the article is known to use (analysis/readings.py), picks one; else
  the reading nearer the reference; with neither it stays unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from newsfuse.model import DAY_FIRST, MONTH_FIRST, Article

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WD = "(?:" + "|".join(WEEKDAYS) + ")"
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<mo>[01]\d)-(?P<d>[0-3]\d)\b"),
    (
        "numeric",
        rf"(?:\b(?P<w>{_WD}),?\s+)?(?<![\d/.])(?P<a>[0-3]?\d)/(?P<b>[0-3]?\d)/"
        r"(?P<y>(?:19|20)\d\d)(?![\d/])",
    ),
    (
        "dmy",
        rf"(?:{_WD},?\s+)?\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH})"
        r"(?:,?\s+(?P<y>(?:19|20)\d\d))?(?![\w-])",
    ),
    (
        "mdy",
        rf"(?:{_WD},?\s+)?\b(?P<m>{_MONTH})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b"
        r"(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?",
    ),
    ("month_year", rf"\b(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d\d)\b"),
    ("in_month", rf"\b(?:in|since|during|until)\s+(?:early\s+|late\s+|mid-?)?(?P<m>{_MONTH})\b"),
    ("in_year", r"\b(?:in|since|during|until)\s+(?:early\s+|late\s+|mid-?)?(?P<y>(?:19|20)\d\d)\b"),
    (
        "weekday",
        rf"\b(?:(?P<mod>[Oo]n|[Tt]his|[Ll]ast|[Nn]ext|[Tt]his\s+past|[Tt]his\s+coming)\s+)?"
        rf"(?P<w>{_WD})(?:['’]s)?\b(?!,?\s+(?:\d|{_MONTH}))",
    ),
    ("day_word", r"\b(?P<dw>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow)(?:['’]s)?\b"),
    ("day_part", r"\b(?P<dp>[Tt]his\s+(?:morning|afternoon|evening)|[Ll]ast\s+night)\b"),
    ("days_ago", r"\b(?P<n>\d+|a|an|one|two|three|four|five|six)\s+days?\s+ago\b"),
    ("rel_month", r"\b(?P<rm>(?:[Ee]arlier\s+|[Ll]ater\s+)?this|[Ll]ast|[Nn]ext)\s+month\b"),
    ("rel_year", r"\b(?P<ry>(?:[Ee]arlier\s+|[Ll]ater\s+)?this|[Ll]ast|[Nn]ext)\s+year\b"),
    (
        "vague",
        r"\b(?:[Rr]ecently|[Ii]n\s+recent\s+(?:days|weeks|months|years)|"
        r"(?:[Ii]n\s+)?the\s+past\s+(?:few\s+|\w+\s+)?(?:days|weeks|months)|"
        r"(?:[Ee]arlier\s+|[Ll]ater\s+)?(?:this|[Ll]ast|[Nn]ext)\s+week(?:end)?)\b",
    ),
]
_ANY = re.compile("|".join(f"(?P<k_{k}>{p.replace('(?P<', f'(?P<{k}_')})" for k, p in _PATTERNS))
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|['’]ll|would(?!\s+(?:not|have)\b)|must(?!\s+have)|"
    r"going\s+to|(?:is|are)\s+to|plans?\s+to|upcoming|foresees?|foreseen|forecasts?|expects?|"
    r"(?:is|are)\s+(?:due|set|scheduled|expected|slated|planning|poised)\s+to)\b",
    re.IGNORECASE,
)
# Between a future cue and the date, these say the cue belongs to another verb: "On Tuesday,
# Miller reiterated that any deal would be a violation" is a Tuesday in the past.
_BREAK = re.compile(
    r"\b(?:that|which|who|whom|whose|if|whether|because|although|while|when|after|before|"
    r"said|says|told|reiterated|announced|added|warned|stated|declared|insisted|noted)\b"
    r"|[!?;:«»“”\"]|\.(?=\s+[«“\"‘']?[A-Z])",  # another sentence or a quotation ("6 a.m. on")
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(?:was|were|had|did|remained|stayed|lasted)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:until|till)\s+$", re.IGNORECASE)
_FOR = re.compile(r"\bfor\s+$", re.IGNORECASE)  # "scheduled for Tuesday", "rain for Wednesday"
# "offered to resume talks on Tuesday": the day belongs to what is intended, still to come.
_INTENT = re.compile(
    r"\b(?:offer|agree|plan|promis|vow|pledg|threaten|want|hope|decid|intend|prepar|aim|"
    r"propos|invit|urg)\w*\s+(?:\w+\s+)?to\s+\w+(?:\s+[\w'’-]+){0,3}\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateExpression:
    start: int
    end: int
    text: str
    kind: str  # the pattern name: iso, dmy, mdy, weekday, day_word, rel_month, vague...
    parts: tuple[tuple[str, str], ...]  # named groups that matched

    @property
    def absolute(self) -> bool:
        """Fixes a date without a reference (a year is written)."""
        fields = dict(self.parts)
        return self.kind in ("iso", "month_year", "in_year", "numeric") or (
            self.kind in ("dmy", "mdy") and "y" in fields
        )

    @property
    def readings(self) -> tuple[str, ...]:
        """A numeric date's possible dates, month first then day first, less those a
        weekday written with it rules out; () for other kinds."""
        if self.kind != "numeric":
            return ()
        f = dict(self.parts)
        a, b, year = int(f["a"]), int(f["b"]), int(f["y"])
        found = []
        for month, day in ((a, b), (b, a)):
            try:
                found.append(date(year, month, day))
            except ValueError:
                continue
        if "w" in f:
            found = [d for d in found if d.weekday() == WEEKDAYS.index(f["w"])] or found
        return tuple(dict.fromkeys(d.isoformat() for d in found))

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1

    @property
    def order(self) -> str | None:
        """The order a numeric date forces by a number above 12 ("13/05/2025": day first)."""
        if self.kind != "numeric":
            return None
        f = dict(self.parts)
        a, b = int(f["a"]), int(f["b"])
        if a > 12 >= b:
            return DAY_FIRST
        if b > 12 >= a:
            return MONTH_FIRST
        return None

    @property
    def precision(self) -> str | None:
        if self.kind in (
            "iso",
            "numeric",
            "dmy",
            "mdy",
            "weekday",
            "day_word",
            "day_part",
            "days_ago",
        ):
            return "day"
        if self.kind in ("month_year", "in_month", "rel_month"):
            return "month"
        if self.kind in ("in_year", "rel_year"):
            return "year"
        return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> list[DateExpression]:
    """Date expressions in text[start:end], left to right, longest form first.

    The pattern is slow (hundreds of alternatives), and the timeline asks about one article
    many times (whole text, then each sentence and line): the whole text is scanned once and
    windows are cut from that, unless a match straddles the window edge (then the window is
    scanned on its own)."""
    stop = len(text) if end is None else min(end, len(text))
    every = _scan(text, 0, len(text))
    if start <= 0 and stop >= len(text):
        return list(every)
    if any(e.start < start < e.end or e.start < stop < e.end for e in every):
        return list(_scan(text, start, stop))
    return [e for e in every if e.start >= start and e.end <= stop]


def clear_date_cache() -> None:
    _scan.cache_clear()


@lru_cache(maxsize=1024)
def _scan(text: str, start: int, end: int) -> tuple[DateExpression, ...]:
    found = []
    for m in _ANY.finditer(text, start, end):
        kind = next(k[2:] for k, v in m.groupdict().items() if v and k.startswith("k_"))
        prefix = kind + "_"
        parts = tuple(
            (k[len(prefix) :], v) for k, v in m.groupdict().items() if v and k.startswith(prefix)
        )
        found.append(DateExpression(m.start(), m.end(), m.group(0), kind, parts))
    return tuple(found)


def _month(name: str) -> int:
    return _MONTHS[name[:3].lower()]


def _nearest_year(month: int, day: int, ref: date) -> date | None:
    best: date | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((candidate - ref).days) < abs((best - ref).days):
            best = candidate
    return best


def _numeric(readings: tuple[str, ...], ref: date | None, order: str | None) -> str | None:
    if len(readings) <= 1:
        return readings[0] if readings else None
    if order in (MONTH_FIRST, DAY_FIRST):
        return readings[0 if order == MONTH_FIRST else 1]
    if ref is None:
        return None  # no evidence either way: an unresolved date beats a wrong one
    gaps = [abs((date.fromisoformat(r) - ref).days) for r in readings]
    return readings[gaps.index(min(gaps))]


def is_future(clause: str) -> bool:
    """Whether a clause speaks of what is still to happen."""
    return bool(_FUTURE.search(clause))


def looks_ahead(clause: str, at: int, end: int | None = None) -> bool:
    """Whether the date expression at clause[at:end] names a day still to come: a future
    cue that governs it ("will visit on Friday", "On Friday, the minister will visit", not
    "On Tuesday, Miller said a deal would be illegal"), or the words just before it
    ("closed until Thursday", "foreseen for Tuesday", "offered to resume talks on Tuesday")."""
    before = clause[:at]
    end = at if end is None else end
    if _UNTIL.search(before):
        return is_future(clause) or not _PAST.search(clause)
    if _FOR.search(before) or _INTENT.search(before):
        return True
    for cue in _FUTURE.finditer(clause):
        between = clause[cue.end() : at] if cue.start() < at else clause[end : cue.start()]
        if not _BREAK.search(between):
            return True
    return False


def resolve(
    expr: DateExpression, ref: date | None, future: bool = False, order: str | None = None
) -> str | None:
    """The ISO date (or "YYYY-MM", "YYYY") the expression stands for, or None.

    `order` (DAY_FIRST / MONTH_FIRST) is how the article writes numeric dates, where known."""
    f = dict(expr.parts)
    if expr.kind == "numeric":
        return _numeric(expr.readings, ref, order)
    try:
        if expr.kind == "iso":
            return date(int(f["y"]), int(f["mo"]), int(f["d"])).isoformat()
        if expr.kind in ("dmy", "mdy"):
            month, day = _month(f["m"]), int(f["d"])
            if "y" in f:
                return date(int(f["y"]), month, day).isoformat()
            found = _nearest_year(month, day, ref) if ref else None
            return found.isoformat() if found else None
        if expr.kind == "month_year":
            return f"{int(f['y']):04d}-{_month(f['m']):02d}"
        if expr.kind == "in_year":
            return f"{int(f['y']):04d}"
    except ValueError:  # "31 February"
        return None
    if ref is None:
        return None
    return _relative(expr.kind, f, ref, future)


def _relative(kind: str, f: dict[str, str], ref: date, future: bool) -> str | None:
    if kind == "weekday":
        target = WEEKDAYS.index(f["w"])
        mod = " ".join(f.get("mod", "").lower().split())
        back = (ref.weekday() - target) % 7
        ahead = (target - ref.weekday()) % 7
        if mod in ("last", "this past"):
            return (ref - timedelta(days=back or 7)).isoformat()
        if mod in ("next", "this coming"):
            return (ref + timedelta(days=ahead or 7)).isoformat()
        return (ref + timedelta(days=ahead) if future else ref - timedelta(days=back)).isoformat()
    if kind == "day_word":
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[f["dw"].lower()]
        return (ref + timedelta(days=shift)).isoformat()
    if kind == "day_part":
        return (ref - timedelta(days=1 if "night" in f["dp"].lower() else 0)).isoformat()
    if kind == "days_ago":
        n = int(f["n"]) if f["n"].isdigit() else _NUMBER_WORDS[f["n"].lower()]
        return (ref - timedelta(days=n)).isoformat()
    if kind == "rel_month":
        step = {"last": -1, "next": 1}.get(f["rm"].lower(), 0)
        month0 = ref.year * 12 + ref.month - 1 + step
        return f"{month0 // 12:04d}-{month0 % 12 + 1:02d}"
    if kind == "in_month":
        month = _month(f["m"])
        year = ref.year
        if future and month < ref.month:
            year += 1
        elif not future and month > ref.month:
            year -= 1
        return f"{year:04d}-{month:02d}"
    if kind == "rel_year":
        step = {"last": -1, "next": 1}.get(f["ry"].lower(), 0)
        return f"{ref.year + step:04d}"
    return None


def parse_when(value: str | None) -> datetime | None:
    """An ISO date or datetime as naive UTC, or None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def published_at(article: Article) -> datetime | None:
    return parse_when(article.published)


def published_date(article: Article) -> date | None:
    moment = published_at(article)
    return moment.date() if moment else None


def dateline(article: Article) -> tuple[DateExpression, date] | None:
    """A full date standing alone on one of the first lines: the page's own date stamp."""
    head = article.text[:300]
    for line in re.finditer(r"[^\n]+", head):
        found = find_dates(article.text, line.start(), line.end())
        for expr in found:
            rest = article.text[line.start() : line.end()].replace(expr.text, "").strip(" ,|-")
            value = resolve(expr, None) if expr.absolute else None
            if value and len(value) == 10 and len(rest) <= 25:
                return expr, date.fromisoformat(value)
    return None
