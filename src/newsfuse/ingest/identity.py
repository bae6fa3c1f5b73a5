"""Ids and source names for records that do not bring their own.

A content hash makes the id stable across runs, machines and file renames, so re-reading the
same article finds the row already stored instead of adding a copy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

from newsfuse.ingest.decode import normalise_newlines


def content_id(content: str, source: str = "") -> str:
    """First 16 hex digits of the SHA-1 of source and content, NFC-normalised, LF newlines.

    Normalising first means the same article saved as UTF-16, with CRLF line ends or with
    decomposed accents still gets the same id. The source is part of the key because two
    outlets printing the same text are two articles (one a copy of the other), not one.
    """
    normal = source + "\0" + unicodedata.normalize("NFC", normalise_newlines(content)).strip()
    digest = hashlib.sha1(normal.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return digest.hexdigest()[:16]


def url_domain(url: str | None) -> str | None:
    """Host of an absolute URL without a leading "www.", or None when it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 bracket)
        return None
    if not host:
        return None
    return host.removeprefix("www.") or None


_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")


def folder_domain(path: Path) -> str | None:
    """The nearest enclosing folder named like a domain ("harborledger.example/2025/a.html").

    Crawls and scrapes are commonly saved one folder per site; that name is a better
    source than the file name.
    """
    for parent in list(path.parents)[:4]:
        name = parent.name.lower()
        if _DOMAIN.match(name):
            return name.removeprefix("www.")
    return None


def source_name(source: str | None, url: str | None, path: Path) -> str:
    """The record's own source, else its URL's domain, else the name of the file it came from."""
    if source and source.strip():
        return source.strip()
    name = path.name
    if path.suffix.lower() in (".gz", ".zst", ".zstd", ".bz2"):  # "a.txt.gz" is "a.txt"
        name = path.stem
    return url_domain(url) or folder_domain(path) or name
