"""RSS and Atom feeds, from a file or fetched from an http(s) URL given as an input.

feedparser reads every feed dialect; each entry becomes a RawDoc with its full content (or
its summary) as HTML, its link, date and title, and the feed's title as the source. A URL is
fetched once, with a timeout and a size limit, following redirects only to http(s), so a
hostile server can neither hang the batch nor fill memory nor point the reader at a local
file. A document that is not a feed (an HTML page, broken XML) is one problem line.
"""

from __future__ import annotations

import html as entities
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from newsfuse.errors import InputError
from newsfuse.ingest.files import InputFile, lower_first, open_input
from newsfuse.ingest.identity import content_id, url_domain
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

URL_FORMAT = "url"  # the reader key the walk gives to http(s) inputs
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(?:p|div|li|h[1-6]|blockquote)>|<br\s*/?>", re.I)
_USER_AGENT = "newsfuse (+https://example.org/newsfuse)"
_CHUNK = 65536


def is_url(where: str) -> bool:
    return where.lower().startswith(("http://", "https://"))


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: never to file:// or ftp://."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str):  # type: ignore[no-untyped-def]
        if not is_url(newurl):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-http URL", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, settings: Settings) -> bytes:
    """The body of `url`, at most max_feed_bytes, within fetch_timeout_s overall."""
    limit, timeout = settings.max_feed_bytes, settings.fetch_timeout_s
    opener = urllib.request.build_opener(_HttpOnly)
    request = urllib.request.Request(url, headers={"User-Agent": _USER_AGENT})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read1(_CHUNK):  # returns what has arrived: deadline holds
                size += len(chunk)
                if size > limit:
                    raise InputError(
                        url, f"feed is larger than max_feed_bytes={limit}; not read further"
                    )
                if time.monotonic() > deadline:
                    raise InputError(url, f"feed download took longer than {timeout:g} s")
                chunks.append(chunk)
    except urllib.error.HTTPError as e:
        raise InputError(url, f"cannot fetch feed: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason if isinstance(e.reason, str) else lower_first(str(e.reason))
        raise InputError(url, f"cannot fetch feed: {reason}") from None
    except TimeoutError:
        raise InputError(url, f"no answer from the server within {timeout:g} s") from None
    except (OSError, ValueError) as e:  # connection reset, malformed URL or response
        raise InputError(url, f"cannot fetch feed: {lower_first(str(e))}") from None
    return b"".join(chunks)


def read_feed_url(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    yield from _entries(fetch(f.where, settings), f.where, url_domain(f.where), problems)


def read_feed(f: InputFile, settings: Settings, problems: list[Problem]) -> Iterator[RawDoc]:
    limit = settings.max_feed_bytes
    with open_input(f) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f.where, f"feed is larger than max_feed_bytes={limit}")
    if not data.strip():
        raise InputError(f.where, "empty file")
    yield from _entries(data, f.where, None, problems)


def _entries(
    data: bytes, where: str, domain: str | None, problems: list[Problem]
) -> Iterator[RawDoc]:
    import feedparser  # on first use: slow to import

    parsed: Any = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.get("version") and not parsed.entries:
        error = parsed.get("bozo_exception")
        why = f" ({lower_first(str(error).splitlines()[0])})" if error else ""
        raise InputError(where, f"not an RSS or Atom feed: not well-formed XML{why}")
    feed_title = (parsed.feed.get("title") or "").strip()
    count = 0
    for number, entry in enumerate(parsed.entries, 1):
        origin = f"{where}#{number}"
        doc = _entry_doc(entry, origin, feed_title, domain)
        if doc is None:
            problems.append(Problem(origin, "feed entry has no content or summary", stage="read"))
            continue
        count += 1
        yield doc
    if count == 0 and not parsed.entries:
        raise InputError(where, "feed has no entries")


def _body(entry: Any) -> tuple[str | None, str | None]:
    """(html, text) of an entry: its full content if given, else its summary."""
    for part in [*(entry.get("content") or []), entry.get("summary_detail")]:
        if not part or not (part.get("value") or "").strip():
            continue
        value = part["value"]
        if "html" in (part.get("type") or "text/html"):
            return value, _plain(value)
        return None, value
    return None, None


def _plain(html: str) -> str:
    """Text of an HTML snippet, kept as the fallback when trafilatura finds no article in it."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", html))
    return entities.unescape(text).strip()


def _entry_doc(entry: Any, origin: str, feed_title: str, domain: str | None) -> RawDoc | None:
    html, text = _body(entry)
    if html is None and not (text and text.strip()):
        return None
    link = entry.get("link") or None
    source = feed_title or url_domain(link) or domain or urlsplit(origin).path
    published = None
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if stamp:
        published = f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}"
    else:
        published = entry.get("published") or entry.get("updated") or None
    own_id = (entry.get("id") or "").strip()
    return RawDoc(
        origin=origin,
        text=text or None,
        html=html,
        id=own_id or content_id(html or text or "", source),
        title=entry.get("title") or None,
        url=link,
        source=source,
        published=published,
        meta={"feed": feed_title} if feed_title else {},
    )
