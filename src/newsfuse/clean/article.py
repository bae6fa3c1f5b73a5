"""clean(): one RawDoc in, one Article out, with the article text and nothing else.

Decisions every consumer relies on:
- Text holds one paragraph per line, paragraphs separated by a blank line ("\\n\\n"), NFC,
  single spaces, no control or zero-width characters.
- The headline is Article.title and never part of the text; URL and date lines found at
  the head of a scraped text are metadata (Article.url / .published) and leave the text
  too. None of these counts as removed clutter.
- Article.removed lists the clutter lines taken out, in order. HTML pages are cleaned by
  trafilatura; on its output only the teaser rule removes lines ("ALSO READ: ..."), since
  the line classifier, made for raw scraped text, costs recall there (benchmark F1 0.966
  -> 0.948); it only decides whether trafilatura found more than a menu.
- Dates are ISO "YYYY-MM-DD". Precedence: the reader's `published`, the page's metadata,
  a date line at the head of the text, a date in the URL path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from newsfuse.clean.clutter import clutter_mask, is_teaser
from newsfuse.clean.dates import parse_date, read_date, url_date
from newsfuse.clean.depth import check_depth
from newsfuse.clean.head import split_head
from newsfuse.clean.html import extract_html
from newsfuse.clean.language import detect_language
from newsfuse.clean.normalize import normalize, paragraphs
from newsfuse.errors import InputError
from newsfuse.model import Article, RawDoc
from newsfuse.settings import Settings

_PAGE_META = ("sitename", "author", "hostname", "description")
# A date a reader knows only loosely (when a crawler fetched the page): used last.
FALLBACK_DATE = "published_fallback"
_Body = tuple[list[str], list[str]]  # kept lines, removed lines


@dataclass(slots=True)
class _Found:
    """Metadata gathered so far; earlier sources win (see module docstring)."""

    title: str | None
    url: str | None
    published: str | None
    meta: dict[str, Any]


def clean(raw: RawDoc, settings: Settings | None = None) -> Article:
    """The article in `raw`: main text, title, date, URL and language; clutter set aside.

    Raises InputError(raw.origin, ...) when the record holds no article.
    """
    settings = settings or Settings()
    reading = read_date(raw.published) if raw.published else None
    found = _Found(
        title=raw.title,
        url=raw.url,
        published=reading.iso if reading else None,
        meta=dict(raw.meta) | (reading.meta() if reading else {}),
    )
    body = None
    if raw.html is not None and raw.html.strip():
        body = _from_html(raw, settings, found)
        if body is None and not (raw.text and raw.text.strip()):
            raise InputError(raw.origin, "html page has no article text")
    if body is None:
        body = _from_text(raw, settings, found)
    lines, removed = body
    if not lines:
        raise InputError(raw.origin, "no article text left once web clutter is removed")
    if found.published is None and found.url:
        found.published = url_date(found.url)
    if found.published is None and raw.meta.get(FALLBACK_DATE):
        found.published = parse_date(str(raw.meta[FALLBACK_DATE]))  # e.g. a WARC fetch date
    text = "\n\n".join(lines)
    return Article(
        id=raw.id or hashlib.sha1(text.encode("utf-8")).hexdigest()[:16],
        origin=raw.origin,
        source=_source(raw, found),
        text=text,
        # One line: a line break in a title would end a Markdown heading and start the body.
        title=(" ".join(normalize(found.title).split()) or None) if found.title else None,
        url=found.url,
        published=found.published,
        language=detect_language(text),
        removed=removed,
        meta=found.meta,
    )


def _source(raw: RawDoc, found: _Found) -> str:
    """The reader's source, unless it only fell back on a file name and the page names a site.

    A page's own URL or site name identifies the outlet better than whatever the file was
    called when it was saved.
    """
    source = raw.source or raw.origin
    # The file name of "path" and of "path:line" (str ops: PurePath cost ~50 us an article)
    names = {raw.origin.rsplit("/", 1)[-1], raw.origin.rsplit(":", 1)[0].rsplit("/", 1)[-1]}
    stems = {n.rsplit(".", 1)[0] for n in names if n.endswith((".gz", ".zst", ".zstd", ".bz2"))}
    if source not in names | stems:
        return source
    if found.url:
        try:
            host = urlsplit(found.url).hostname
        except ValueError:  # "http://[::1" (an unclosed IPv6 bracket) names no host
            host = None
        if host:
            return host.removeprefix("www.")
    sitename = found.meta.get("sitename")
    return str(sitename).strip() if sitename and str(sitename).strip() else source


def _from_html(raw: RawDoc, settings: Settings, found: _Found) -> _Body | None:
    html = raw.html or ""
    _check_size(html, settings, raw.origin)
    check_depth(html, settings.max_html_depth, raw.origin)
    page = extract_html(html, raw.url, settings.html_timeout_s, raw.origin)
    if not page or not (page.get("text") or "").strip():
        return None
    found.title = found.title or page.get("title") or None
    found.url = found.url or page.get("url") or None
    if found.published is None and page.get("date"):
        found.published = parse_date(page["date"])
    for key in _PAGE_META:
        if page.get(key) and key not in found.meta:
            found.meta[key] = page[key]
    body = split_head(paragraphs(normalize(page["text"])), found.title).lines
    if not body or all(clutter_mask(body)):  # only a menu, which trafilatura fell back on
        return None
    return [x for x in body if not is_teaser(x)], [x for x in body if is_teaser(x)]


def _from_text(raw: RawDoc, settings: Settings, found: _Found) -> _Body:
    text = raw.text or ""
    if not text.strip():
        raise InputError(raw.origin, "record has neither text nor html")
    _check_size(text, settings, raw.origin)
    head = split_head(paragraphs(normalize(text)), found.title)
    found.title = head.title
    found.url = found.url or head.url
    if found.published is None and head.reading is not None:
        found.published = head.published
        found.meta.update(head.reading.meta())  # both readings of "02/05/2025" stay open
    mask = clutter_mask(head.lines)
    kept = [line for line, bad in zip(head.lines, mask, strict=True) if not bad]
    return kept, [line for line, bad in zip(head.lines, mask, strict=True) if bad]


def _check_size(content: str, settings: Settings, where: str) -> None:
    limit = settings.max_article_bytes
    if len(content) * 4 > limit and (size := len(content.encode("utf-8"))) > limit:
        raise InputError(
            where, f"article is {size:,} bytes, over max_article_bytes={limit:,} (not truncated)"
        )
