"""Typed quantities in news text: durations, counts, money and percentages, with hedges.

A figure is only comparable with another if both measure the same thing, so each quantity
carries what it measures: for a duration the event it lasts (the nearest event word: "this
meeting ... lasted about four hours", "two hours of formal discussions", "a four-hour
meeting"), for a count the noun it counts ("24 injuries"), for money and percentages the
sentence it stands in. Hedges turn a value into a range: "about 4" is 3.6-4.4, "over 4" is
4-5.2, "nearly 4" 3.4-4; two reports conflict only when their ranges do not overlap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SMALL = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
)
_TENS = re.findall(r"\w+", "twenty thirty forty fifty sixty seventy eighty ninety")
_WORDS = {w: i for i, w in enumerate(_SMALL)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
_WORDNUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?:-(?:{'|'.join(_SMALL[1:10])}))?|{'|'.join(_SMALL)}|a dozen)"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|{_WORDNUM})"
_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_HEDGES = {
    "about": (0.9, 1.1),
    "approximately": (0.9, 1.1),
    "around": (0.9, 1.1),
    "roughly": (0.9, 1.1),
    "some": (0.9, 1.1),
    "an estimated": (0.9, 1.1),
    "nearly": (0.85, 1.0),
    "almost": (0.85, 1.0),
    "close to": (0.85, 1.0),
    "just under": (0.85, 1.0),
    "over": (1.0, 1.3),
    "more than": (1.0, 1.3),
    "just over": (1.0, 1.3),
    "upwards of": (1.0, 1.3),
    "at least": (1.0, 2.0),
    "less than": (0.7, 1.0),
    "under": (0.7, 1.0),
    "fewer than": (0.7, 1.0),
    "up to": (0.5, 1.0),
    "at most": (0.5, 1.0),
}
_HEDGE = "|".join(sorted(map(re.escape, _HEDGES), key=len, reverse=True))
_SECONDS = {"second": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400,
            "week": 604800, "month": 2629800, "year": 31557600}  # fmt: skip
_SHOWN_UNITS = (("years", 31557600), ("months", 2629800), ("weeks", 604800), ("d", 86400),
                ("h", 3600), ("min", 60), ("s", 1))  # fmt: skip
_UNIT = r"seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
_QUANTITY = re.compile(
    rf"(?<![\w.,:/-])(?:(?P<hedge>{_HEDGE})\s+)?(?:(?P<cur>US\$|\$US|[ACS]\$|NZ\$|HK\$|\$|€|£|¥)\s?)?(?P<num>{_NUM})"
    rf"(?:\s*(?P<scale>thousand|million|billion|trillion|bn)\b)?"
    rf"(?:-(?P<hunit>{_UNIT})\b|\s*(?P<pct>%|percent\b|per cent\b)|"
    rf"\s+(?P<unit>{_UNIT})\b|\s+(?P<money>dollars|euros|pounds|yuan|rubles|roubles|yen|won)\b|"
    rf"\s+(?P<noun>(?-i:[a-z][a-z-]{{2,}}))\b)?",
    re.IGNORECASE,
)
# Event words a duration can measure, by class. Within a story, reports of one of the
# STORY_WIDE classes are about one thing (the talks, the handshake); other classes, like
# prison terms, are compared only inside one fact.
EVENTS = {
    "talks": "meeting meetings met meet summit talks talk discussions discussion negotiations "
    "session sessions conference consultations",
    "handshake": "handshake handshakes shook shake shaking",
    "visit": "visit trip tour stay",
    "journey": "journey ride flight drive travelled traveled",
    "speech": "speech address remarks",
    "ceasefire": "ceasefire truce",
    "sentence": "sentence sentenced prison jail",
}
STORY_WIDE = frozenset(("talks", "handshake", "visit", "journey", "speech"))
_EVENT_CLASS = {w: c for c, ws in EVENTS.items() for w in ws.split()}
_EVENT_ALT = "|".join(_EVENT_CLASS)
_EVENT_WORD = re.compile(rf"\b({_EVENT_ALT})\b", re.IGNORECASE)
_EVENT_AFTER = re.compile(rf"(?:\s+of)?(?:\s+[\w-]+){{0,2}}?\s+({_EVENT_ALT})\b", re.IGNORECASE)
_NOT_COUNTED = frozenset(
    re.findall(
        r"\w+",
        "and or but the a an of to in on at by for with from as than that this it its is was "
        "are were be has have had times time ago old percent per years year months month weeks "
        "week days day hours hour minutes minute seconds second",
    )
)
_AFTER_DURATION = re.compile(
    r"^(?:-old\b|\s+(?:ago|old|earlier|later|before|after|since)\b)", re.IGNORECASE
)
_PLURAL_RUN = re.compile(r"(?:\s+(?-i:[a-z][a-z-]+)){1,2}")
EXACT = 0.05  # an unhedged figure is taken as +-5%: "90 days" and "three months" agree
_COUNT_SYNONYMS = {
    "injuries": "injured",
    "injured": "injured",
    "wounded": "injured",
    "killed": "killed",
    "dead": "killed",
    "deaths": "killed",
    "fatalities": "killed",
}


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: str  # duration | count | money | percent
    head: str  # what it measures: an event class, a counted noun, a currency
    value: float  # seconds for durations
    low: float
    high: float
    start: int  # offsets into the text given to find_quantities
    end: int
    text: str
    hedge: str | None

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high * 1.000001 and other.low <= self.high * 1.000001

    def _money(self, amount: float) -> str:
        number = f"{round(amount, 3):,g}"
        return f"{self.head}{number}" if not self.head.isalpha() else f"{number} {self.head}"

    def shown(self) -> str:
        """The normalised value: "≈4 h", ">4 h", "24 injured", "$3 billion"."""
        mark = ""
        if self.hedge:
            low, high = _HEDGES[self.hedge]
            mark = "≈" if low < 1 < high else (">" if low == 1 else "<")
        if self.kind == "duration":
            for name, size in _SHOWN_UNITS:
                if self.value >= size * 0.999:
                    return f"{mark}{round(self.value / size, 2):g} {name}"
        if self.kind == "percent":
            return f"{mark}{self.value:g}%"
        if self.kind == "money":
            for scale, amount in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
                if self.value >= amount:
                    return f"{mark}{self._money(self.value / amount)} {scale}"
            return f"{mark}{self._money(self.value)}"
        return f"{mark}{self.value:g} {self.head}"


def _number(text: str) -> float | None:
    t = text.lower().replace(",", "")
    if t == "a dozen":
        return 12.0
    if "-" in t:
        tens, _, unit = t.partition("-")
        return float(_WORDS[tens] + _WORDS[unit])
    if t in _WORDS:
        return float(_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def _event_class(text: str, start: int, end: int, clause: tuple[int, int]) -> tuple[str, int]:
    """The event class a duration measures and where its text ends (after "of X" / "-hour X")."""
    after = text[end : clause[1]]
    m = _EVENT_AFTER.match(after)
    if m:
        return _EVENT_CLASS[m.group(1).lower()], end + m.end()
    before = list(_EVENT_WORD.finditer(text, clause[0], start))
    if before:
        return _EVENT_CLASS[before[-1].group(1).lower()], end
    return "", end


def _clock(number: str, unit: str) -> bool:
    """ "1230 hours" is a time of day, not a duration."""
    return unit in ("hours", "hrs") and len(number) == 4 and number.isdigit()


def _count_head(noun: str, text: str, end: int) -> tuple[str, int]:
    """What is counted, and where its words end: the plural noun that ends a short run
    ("three other automatic rifles" -> rifles, "150 nautical miles" -> miles), mapped onto
    casualty synonyms ("24 injuries", "24 wounded" -> injured)."""
    head = noun
    run = _PLURAL_RUN.match(text, end)
    if not noun.endswith("s") and run:
        for w in re.finditer(r"[a-z][a-z-]+", run.group(0)):
            if w.group(0).endswith("s"):
                head, end = w.group(0), end + w.end()
                break
    follow = re.match(r"\s+(\w+)", text[end:])
    if follow and follow.group(1).lower() in _COUNT_SYNONYMS:
        return _COUNT_SYNONYMS[follow.group(1).lower()], end
    return _COUNT_SYNONYMS.get(head, head), end


def find_quantities(text: str, clause_bounds: list[tuple[int, int]]) -> list[Quantity]:
    """Quantities in the text; `clause_bounds` limit where a duration looks for its event."""
    found: list[Quantity] = []
    for m in _QUANTITY.finditer(text):
        value = _number(m.group("num"))
        if value is None or not (
            m.group("unit") or m.group("hunit") or m.group("pct") or m.group("cur")
            or m.group("money") or m.group("noun")
        ):  # fmt: skip
            continue
        if m.group("scale"):
            value *= _SCALE[m.group("scale").lower()]
        hedge = m.group("hedge").lower() if m.group("hedge") else None
        low, high = _HEDGES[hedge] if hedge else (1.0 - EXACT, 1.0 + EXACT)
        end = m.end()
        unit = (m.group("unit") or m.group("hunit") or "").lower()
        if unit:
            if value == 0 or _AFTER_DURATION.match(text[end:]) or _clock(m.group("num"), unit):
                continue  # "two years ago", "a 15-year-old", "1230 hours": a date, an age, a time
            value *= _SECONDS[unit.rstrip("s") if unit not in ("hrs", "mins") else unit[:-1]]
            clause = next((c for c in clause_bounds if c[0] <= m.start() < c[1]), (0, len(text)))
            head, end = _event_class(text, m.start(), m.end(), clause)
            kind = "duration"
        elif m.group("pct"):
            kind, head = "percent", "%"
        elif m.group("cur") or m.group("money"):
            kind, head = "money", (m.group("cur") or m.group("money")).lower()
            if not m.group("money"):
                end = m.end("scale") if m.group("scale") else m.end("num")
        else:
            noun = m.group("noun").lower()
            raw = m.group("num")
            if noun in _NOT_COUNTED or (raw.isdigit() and 1800 <= int(raw) <= 2100):
                continue
            kind = "count"
            head, end = _count_head(noun, text, end)
        found.append(
            Quantity(
                kind,
                head,
                value,
                value * low,
                value * high,
                m.start(),
                end,
                text[m.start() : end],
                hedge,
            )
        )
    return found
