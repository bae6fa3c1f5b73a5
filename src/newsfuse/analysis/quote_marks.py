"""Quoted stretches of text, in every quotation style news copy uses.

Handles “curly”, "straight", «guillemets», „German“ and ‘single’ / 'single' quotes. Single
straight and curly marks double as apostrophes ("don't", "Russia’s", "leaders’"), so a single
mark opens a quote only after a space or bracket and before a letter, and closes only where no
letter follows. A double quote left open at the end of a paragraph runs to its end: the news
convention for a quotation continued in the next paragraph, which opens with a new mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOUBLE_OPEN = "“„«‹"
_DOUBLE_CLOSE = "”»›"
_SINGLE_OPEN = "‘'"
_SINGLE_CLOSE = "’'"
_PARTNER = {"“": "”", "„": "“”", "«": "»", "‹": "›"}
_MAX_SINGLE = 400  # a single-quoted span longer than this is an apostrophe mismatch


@dataclass(frozen=True, slots=True)
class QuotedSpan:
    open: int  # offset of the opening mark
    close: int  # offset of the closing mark, or the paragraph end if left open
    start: int  # quoted content, trimmed of spaces and a trailing comma
    end: int
    closed: bool


def _is_word(c: str) -> bool:
    return c.isalnum()


def _content(text: str, open_: int, close: int, closed: bool) -> QuotedSpan | None:
    start, end = open_ + 1, close
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",:;"):
        end -= 1
    if not re.search(r"[^\W\d_]", text[start:end]):
        return None
    return QuotedSpan(open_, close, start, end, closed)


def _single_opens(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if not (before.isspace() or before in '([{—–-/"“') or not _is_word(after):
        return False
    # 'em, '90s, 'til: elisions, not quotes
    return not re.match(r"'(?:em|til|tis|twas|n|\d\ds?)\b", text[i : i + 6], re.IGNORECASE)


def _single_closes(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not _is_word(after)


def _straight_double_opens(text: str, i: int, is_open: bool) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/:":
        return True
    if after.isspace() or after in ".,;:!?)]}":
        return False
    return not is_open


def find_quotes(text: str, lo: int = 0, hi: int | None = None) -> list[QuotedSpan]:
    """Top-level quoted spans of one paragraph text[lo:hi]; nested quotes stay inside."""
    hi = len(text) if hi is None else hi
    spans: list[QuotedSpan] = []
    open_at = -1
    open_char = ""

    def finish(close: int, closed: bool) -> None:
        span = _content(text, open_at, close, closed)
        if span is not None:
            spans.append(span)

    for i in range(lo, hi):
        c = text[i]
        if open_at < 0:
            opens_double = c in _DOUBLE_OPEN or (
                c == '"' and _straight_double_opens(text, i, False)
            )
            if opens_double or (c in _SINGLE_OPEN and _single_opens(text, i)):
                open_at, open_char = i, c
            continue
        if open_char in _SINGLE_OPEN:
            if c in _SINGLE_CLOSE and _single_closes(text, i) and i > open_at + 1:
                finish(i, True)
                open_at = -1
            elif i - open_at > _MAX_SINGLE or c in '“”"«»':
                open_at = -1  # an apostrophe after all; nothing was quoted
            continue
        closes = _PARTNER.get(open_char, '"”»')
        if c in closes or c in _DOUBLE_CLOSE:
            finish(i, True)
            open_at = -1
        elif c == '"' and not _straight_double_opens(text, i, True):
            finish(i, True)  # mixed marks: “...", closed all the same
            open_at = -1
        elif c in "“„«" and c not in closes:
            finish(i, False)  # a new quote opens: the previous one ran unclosed
            open_at, open_char = i, c
    if open_at >= 0 and open_char not in _SINGLE_OPEN:
        finish(hi, False)
    return spans
