"""Bytes to text without guessing: a BOM, UTF-8, or (for HTML) the page's declared charset.

Guessing encodings silently produces mojibake that later stages would treat as real words;
refusing with the offset of the first bad byte lets the user fix the file instead.
"""

from __future__ import annotations

import codecs

from newsfuse.errors import InputError

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# Browsers read these labels as windows-1252 (WHATWG Encoding Standard); so do we.
_WINDOWS_1252_ALIASES = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})

BINARY_MESSAGE = (
    "binary file (contains NUL bytes), not text; "
    "if it is UTF-16 text, save it with a byte-order mark or as UTF-8"
)


def has_utf16_bom(data: bytes) -> bool:
    return data[:2] in _UTF16_BOMS


def normalise_newlines(text: str) -> str:
    """Universal newlines, as Python's text mode would give, so ids ignore CRLF vs LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codec(label: str | None) -> str | None:
    """Python's codec for a declared charset label, or None when unknown or UTF-8 itself."""
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    return None if name.startswith("utf-8") else name


def decode(data: bytes, where: str, *, declared: str | None = None, html: bool = False) -> str:
    """Decode one document; `declared` is a charset label the document states about itself.

    Order: a byte-order mark wins, then strict UTF-8, then the declared charset. Valid UTF-8
    almost never arises by accident, so it is tried before a declaration that may be stale.
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8) :], "utf-8", where, len(codecs.BOM_UTF8))
    elif has_utf16_bom(data):
        text = _strict(data, "utf-16", where, 0)
    elif b"\x00" in data:
        raise InputError(where, BINARY_MESSAGE)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            codec = _codec(declared)
            if codec is None:
                hint = " or declare its charset in <meta charset>" if html else ""
                raise InputError(
                    where,
                    f"not valid UTF-8 (first bad byte at offset {e.start}); save it as UTF-8{hint}",
                ) from None
            text = _strict(data, codec, where, 0)
    if "\x00" in text:
        raise InputError(where, BINARY_MESSAGE)
    return normalise_newlines(text)


def _strict(data: bytes, codec: str, where: str, offset: int) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise InputError(
            where,
            f"not valid {codec} (first bad byte at offset {offset + e.start}); save it as UTF-8",
        ) from None
    except (UnicodeError, LookupError, ValueError):
        # A declared "charset" such as base64 or idna is a codec but not a text encoding.
        raise InputError(
            where, f"cannot decode it with its declared charset {codec!r}; save it as UTF-8"
        ) from None
