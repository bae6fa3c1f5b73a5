"""Unicode and whitespace normalisation, and the split of a text into paragraph lines.

Every later stage indexes into the cleaned text (spans, highlights), so it must be stable:
NFC, no zero-width or control characters, single spaces inside a line, one paragraph per
line. Hard-wrapped plain text (lines cut at a fixed width) is re-joined first, otherwise
the clutter classifier would see every wrapped line as a short fragment.
"""

from __future__ import annotations

import re
import unicodedata

# Zero-width and formatting characters that are invisible but break matching.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# C0/C1 control characters that str.split() does not already treat as whitespace.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def normalize(text: str) -> str:
    """NFC text with line breaks kept, every other whitespace run collapsed to one space.

    Built from C-level str methods (split/join/isprintable), with regexes only for the
    rare texts that need them: this runs on every article, and a regex pass over the
    whole text costs more than the rest of cleaning.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        # Invisible characters go first: one between a letter and its accent would keep
        # them apart through NFC and leave the text unnormalised once it is removed.
        if any(c in text for c in _INVISIBLE):
            text = _INVISIBLE_RE.sub("", text)
        text = unicodedata.normalize("NFC", text)
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    if not text.replace("\n", " ").replace("\t", " ").isprintable():
        text = _CONTROLS.sub(" ", text)
    return "\n".join([" ".join(line.split()) for line in text.split("\n")]).strip()


def paragraphs(text: str) -> list[str]:
    """Non-empty lines of normalised text, hard-wrapped paragraphs joined back into one."""
    lines = text.split("\n")
    if _hard_wrapped(lines):
        return _unwrap(lines)
    return [line for line in lines if line]


def _hard_wrapped(lines: list[str]) -> bool:
    """Most lines end close to one fixed width of at most ~100 characters."""
    sizes = [len(line) for line in lines if line]
    if len(sizes) < 6:
        return False
    width = max(sizes)
    if not 40 <= width <= 100:
        return False
    near = sum(1 for size in sizes if size >= 0.75 * width)
    return near >= 0.6 * len(sizes)


def _unwrap(lines: list[str]) -> list[str]:
    width = max(len(line) for line in lines)
    out: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        current = f"{current} {line}" if current else line
        if len(line) < 0.75 * width:  # a short line ends its paragraph
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out
