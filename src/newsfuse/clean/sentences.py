"""Sentence boundaries as character offsets, for briefs, analysis and web highlighting.

A rule-based splitter: news prose is regular enough that punctuation plus a short list of
abbreviations gets boundaries right where it matters, at a few microseconds per
sentence, with no model to load. A line break always ends a sentence (cleaned text keeps
one paragraph per line); inside a line a sentence ends at . ! ? or … (and any closing
quotes or brackets) when the next word starts with a capital, a digit or an opening quote,
unless the period belongs to an abbreviation ("Mr.", "Sept.", "U.S.", "J. Smith").
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_TOKEN_BEFORE = re.compile(r"([\w.'’-]*)[.!?…]+[\"'”’»)\]]*$")
_OPENERS = "\"'“‘«([¿¡"
# Abbreviations that take a period in English news text, lower-cased, without the period.
_ABBREVIATIONS = _words(
    """mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm maj st jr sr rev hon pres
    inc ltd co corp bros llc plc dept univ assn est approx vs etc al cf fig vol pp ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    mt ft ave blvd rd hwy gov't ph mme mlle messrs"""
)
# After an initialism ("U.S.") these words most likely start a new sentence.
_STARTERS = _words(
    """The A An He She It They We I But And In On At This That These Those There His Her
    Their Its Our After Before When While However Meanwhile Still Yet So If As"""
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        _split_line(line, pos, spans)
        pos += len(line) + 1
    return spans


def _split_line(line: str, offset: int, spans: list[tuple[int, int]]) -> None:
    start = 0
    for match in _END.finditer(line):
        end = match.end()
        if _is_boundary(line, match.start(), end):
            _add(line, start, end, offset, spans)
            start = end
    _add(line, start, len(line), offset, spans)


def _add(line: str, start: int, end: int, offset: int, spans: list[tuple[int, int]]) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((offset + start + lead, offset + start + lead + len(stripped)))


def _is_boundary(line: str, punct: int, end: int) -> bool:
    rest = line[end:].lstrip()
    if not rest:
        return False
    nxt = rest.lstrip(_OPENERS)[:1]
    if not nxt or not (nxt.isupper() or nxt.isdigit() or rest[0] in _OPENERS):
        return False
    if line[punct] != ".":
        return True
    if line[punct : punct + 3] == "...":
        return True
    found = _TOKEN_BEFORE.search(line[max(0, punct - 40) : end])
    token = found.group(1) if found else ""
    bare = token.rstrip(".").lstrip("'’-").lower()
    if bare in _ABBREVIATIONS:
        return False
    if bare == "no" and nxt.isdigit():  # "No. 5"
        return False
    parts = token.rstrip(".").split(".")
    if all(len(p) == 1 and p.isalpha() for p in parts):
        # "J. Smith" or "U.S. officials": not an end, unless a sentence plainly starts next.
        return len(parts) > 1 and rest.split(" ", 1)[0] in _STARTERS
    return True
