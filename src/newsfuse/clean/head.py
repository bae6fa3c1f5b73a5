"""The head of a scraped text: the page's URL, headline and date lines, taken out as metadata.

Scrapers often write "URL / title / date" before the body (ECB+ rows do), or a date line
above the headline, or the headline twice around a stray tag. These lines are metadata,
not article text: they go to Article.url / .title / .published and leave the text (and
are not listed as removed clutter either). Only the first few lines are looked at, so a
date or a short line deep in the article is never mistaken for metadata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsfuse.clean.dates import Reading, find_reading, looks_datable, read_date

HEAD_LINES = 6
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# What may surround a date on a date line: "Posted on", "Updated:", weekdays, times, zones.
_DATE_NOISE = re.compile(
    r"\b(?:posted|updated|published|modified|last|first|found|date|on|at|by|am|pm|a\.m|p\.m"
    r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)\b\.?",
    re.I,
)
_ZONE = re.compile(r"\b(?:[A-Z]{1,4}T|UTC|Z)\b")  # PDT, ET, GMT, CEST...
_CLOCK = re.compile(r"\d{1,2}(?::\d{2}){1,2}\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?", re.I)
_HEADLINE_END = frozenset(".;,:")


@dataclass(slots=True)
class Head:
    lines: list[str]  # the text's lines with the head metadata lines taken out
    title: str | None = None
    published: str | None = None
    url: str | None = None
    reading: Reading | None = None  # how the date line reads, both ways when ambiguous


def date_line(line: str) -> str | None:
    """The ISO date of a line that is a date and little else ("Posted May 2, 2013 | 5:03pm")."""
    found = read_date_line(line)
    return found.iso if found else None


def read_date_line(line: str) -> Reading | None:
    """date_line with every reading an ambiguous numeric date leaves open."""
    if len(line) > 80:
        return None
    found = find_reading(line)
    reading: Reading | None
    if found is not None:
        reading, start, end = found
        rest = line[:start] + " " + line[end:]
    elif len(line) <= 40 and looks_datable(line):
        reading, rest = read_date(line), ""
    else:
        return None
    rest = _DATE_NOISE.sub(" ", _ZONE.sub(" ", _CLOCK.sub(" ", rest)))
    # A few other words may stand beside the date ("Mumbai", "By Staff"), but a line that
    # ends like a sentence must be the date alone: "He died on May 2, 2013." is prose.
    sentence = line.endswith(".") and not line.lower().endswith(("a.m.", "p.m."))
    allowed = 0 if sentence else 2
    return reading if reading is not None and len(_WORDS.findall(rest)) <= allowed else None


def is_headline(line: str) -> bool:
    """Reads like a headline: a few words, no sentence-ending period, not a date."""
    words = line.split()
    if not 2 <= len(words) <= 25 or len(line) > 250:
        return False
    if line[-1] in _HEADLINE_END and not line.endswith(("...", "…")):
        return False
    return _WORDS.search(line) is not None


def _key(text: str) -> str:
    return " ".join(_WORDS.findall(text.casefold()))


def split_head(lines: list[str], title: str | None = None) -> Head:
    """Take URL, date and title lines out of the first HEAD_LINES lines.

    A given `title` (from metadata) wins; otherwise the first headline-like line before
    any paragraph becomes the title. Every copy of the title within the head is dropped.
    """
    head = Head(lines=[], title=title)
    title_key = _key(title) if title else None
    limit = min(len(lines), HEAD_LINES)
    seen_body = False
    for i, line in enumerate(lines):
        if i >= limit:
            head.lines.extend(lines[i:])
            break
        if head.url is None and not seen_body and _URL_LINE.match(line):
            head.url = line
        elif head.published is None and (reading := read_date_line(line)) is not None:
            head.published, head.reading = reading.iso, reading
        elif title_key is not None and _key(line) == title_key:
            continue  # a copy of the title
        elif (
            head.title is None
            and not seen_body
            and i + 1 < len(lines)
            and is_headline(line)
            and len(line.split()) >= 3
        ):
            head.title = line
            title_key = _key(line)
        else:
            if len(line.split()) > 3:  # a stray tag token is not yet the body
                seen_body = True
            head.lines.append(line)
    return head
