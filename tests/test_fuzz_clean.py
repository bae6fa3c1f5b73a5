"""Fuzzing the cleaner: 10,000 generated texts, 10,000 page shapes, and full HTML pages.

Plain text is cleaned in-process, so clean() itself takes the 10,000 inputs. HTML goes
through trafilatura in a child process (~30 ms a page), so here the in-process guard that
runs before it (the depth check) takes the 10,000 and whole pages take NEWSFUSE_FUZZ_PAGES
(300 by default); bench/fuzz.py runs the full-length HTML campaign. Inputs come from seeded
Randoms handed out by hypothesis (derandomized), as in test_fuzz_readers.py, and for the
same reason: drawing every character through hypothesis would not fit the time budget.

What must hold: clean() returns an Article or raises InputError naming the record, within
a time bound; an Article's text obeys the text contract (NFC, no invisible or control
characters, one paragraph per line, blank line between); nothing in it was invented (each
paragraph is a run of the input's own words); and prose paragraphs are never silently lost
(each is in the text or listed as removed clutter).
"""

from __future__ import annotations

import html as html_lib
import os
import re
import time
import unicodedata
from collections.abc import Callable
from random import Random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from newsfuse.clean import clean
from newsfuse.clean.depth import check_depth, html_depth
from newsfuse.clean.language import detector
from newsfuse.clean.normalize import normalize
from newsfuse.errors import InputError
from newsfuse.model import Article, RawDoc
from newsfuse.settings import Settings

INPUTS = int(os.environ.get("NEWSFUSE_FUZZ_INPUTS", 10_000))
PAGES = int(os.environ.get("NEWSFUSE_FUZZ_PAGES", 300))
BATCH = 50
PER_INPUT_S = 5.0  # in-process work on a busy CI machine; a hang would take far longer
SETTINGS = Settings(max_article_bytes=50_000, html_timeout_s=10.0)

_HOSTILE = (
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\t\n\r \u00a0\u1680\u2000\u3000"
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\u061c\u2028\u2029\u0301\u0308\u20dd\ufffd\ufffe\uffff"
    "\U0010ffff\U0001f600\u05d0\u05e9\u0627\u0644\u0639\u65e5\u672c\u00e9\u00df\u0131"
    "<>&\"'{}[]:,\\/;=#!?-.()"
)
_ALPHABET = (_HOSTILE + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789     \n\n.,")[:128]
_TABLE = {i: _ALPHABET[i % len(_ALPHABET)] for i in range(256)}
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_SPRINKLE = _INVISIBLE + "\u202e\u202c\x07\x1b\x7f\x00\u2066\u2069"
WORDS = (
    "the council said on Tuesday that its new flood barrier would open in spring after "
    "engineers found cracks in the old wall near the harbour where boats were moored and "
    "residents had been asked to leave their homes while crews worked through the night "
    "officials told reporters river level rose sharply minister promised funds report "
    "Oskeld Brannock Saltmere Varga café naïve São Paulo München Zürich Łódź İstanbul "
    "东京 القاهرة ירושלים 2025 3.5 €40m"
).split()


def hostile(r: Random, size: int = 600) -> str:
    n = r.choice((0, 1, 2, r.randrange(size + 1), r.randrange(size + 1), r.randrange(40)))
    return r.randbytes(n).decode("latin-1").translate(_TABLE)


def sprinkle(r: Random, words: list[str]) -> str:
    """Words joined by spaces, with invisible, bidi and control characters slipped inside."""
    out = []
    for word in words:
        if r.random() < 0.15:
            cut = r.randrange(len(word) + 1)
            word = word[:cut] + r.choice(_SPRINKLE) + word[cut:]
        out.append(word)
    return " ".join(out)


def prose(r: Random) -> tuple[str, list[str]]:
    """Paragraphs of sentences (never headline-like), maybe hard-wrapped; and each one."""
    paragraphs = []
    for _ in range(r.randint(1, 6)):
        sentences = [
            " ".join(r.choice(WORDS) for _ in range(r.randint(8, 20))).capitalize() + "."
            for _ in range(r.randint(2, 4))
        ]
        paragraphs.append(" ".join(sentences))
    rendered = []
    for paragraph in paragraphs:
        text = sprinkle(r, paragraph.split())
        if r.random() < 0.3:  # hard-wrapped at a fixed width, as old scrapes are
            width = r.randint(50, 90)
            lines, line = [], ""
            for word in text.split(" "):
                if line and len(line) + 1 + len(word) > width:
                    lines.append(line)
                    line = word
                else:
                    line = f"{line} {word}" if line else word
            text = "\n".join([*lines, line])
        rendered.append(text)
    separator = r.choice(("\n\n", "\r\n\r\n", "\n \n", "\u2029", "\n\n\n\n"))
    return separator.join(rendered), paragraphs


def collapse(text: str) -> str:
    return " ".join(normalize(text).split())


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """Load models once up front: their one-time cost is not a per-input hang."""
    clean(RawDoc(origin="warm", text=prose(Random(0))[0], published="3 May 2025"), SETTINGS)
    # lingua loads its n-gram models on the first text long enough to need them (~10 s)
    detector().detect_language_of("many words of some length loaded here, quickly or not")


def run_batches(check: Callable[[Random], None], examples: int) -> None:
    @settings(
        max_examples=max(1, examples // BATCH),
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.randoms(use_true_random=True))
    def batches(r: Random) -> None:
        for _ in range(min(BATCH, examples)):
            check(r)

    batches()


def timed_clean(raw: RawDoc) -> tuple[float, Article | InputError]:
    started = time.perf_counter()
    try:
        result: Article | InputError = clean(raw, SETTINGS)
    except InputError as e:
        result = e
    return time.perf_counter() - started, result


def cleaned(raw: RawDoc, limit_s: float = PER_INPUT_S) -> Article | None:
    elapsed, result = timed_clean(raw)
    if elapsed >= limit_s:  # models load lazily on first need: only slow twice is slow
        elapsed, result = timed_clean(raw)
    assert elapsed < limit_s, f"took {elapsed:.1f} s: {raw!r:.500}"
    if isinstance(result, InputError):
        assert result.where == raw.origin
        assert result.message[:1].islower() and "\n" not in result.message, result.message
        return None
    assert_text_contract(result)
    return result


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def assert_text_contract(article: Article) -> None:
    text = article.text
    assert text and text == text.strip()
    assert unicodedata.is_normalized("NFC", text)
    assert not any(c in text for c in _INVISIBLE), repr(text)
    assert not _CONTROL.search(text), repr(text)
    assert "\n\n\n" not in text
    for paragraph in text.split("\n\n"):
        assert paragraph and "\n" not in paragraph and "  " not in paragraph, repr(paragraph)
        assert paragraph == paragraph.strip()
    assert article.language is None or re.fullmatch("[a-z]{2}", article.language)
    assert article.title is None or "\n" not in article.title
    text.encode("utf-8")


def test_fuzz_clean_hostile_text() -> None:
    count = 0

    def check(r: Random) -> None:
        nonlocal count
        body = hostile(r) if r.random() < 0.7 else prose(r)[0] + hostile(r, 100)
        title = hostile(r, 60) if r.random() < 0.2 else None
        published = hostile(r, 30) if r.random() < 0.2 else None
        url = r.choice(
            (None, None, "http://[::1", "https://x.example/2025/13/45/a", hostile(r, 40))
        )
        raw = RawDoc(origin="fuzz:1", text=body, title=title, published=published, url=url)
        count += 1
        article = cleaned(raw)
        if article is not None:  # nothing invented: every paragraph is the input's own
            source = collapse(body)
            for paragraph in article.text.split("\n\n"):
                assert paragraph in source, (paragraph, body)

    run_batches(check, INPUTS)
    assert count >= INPUTS


def test_fuzz_clean_keeps_every_prose_paragraph() -> None:
    """However mangled the characters around them, lines of prose are kept (or, if the
    classifier calls one clutter, listed as removed), never silently dropped."""
    count = 0

    def check(r: Random) -> None:
        nonlocal count
        body, _ = prose(r)
        count += 1
        article = cleaned(RawDoc(origin="prose:1", text=body))
        assert article is not None
        # A first line that reads like a headline (a wrapped one may) becomes the title.
        kept = collapse("\n".join([article.title or "", article.text, *article.removed]))
        for line in normalize(body).split("\n"):  # a wrapped line is kept whole, if joined
            assert collapse(line) in kept, (line, article.text, article.removed)

    run_batches(check, INPUTS // 10)
    assert count >= INPUTS // 10


BALANCED = ("div", "span", "section", "article", "b", "em", "blockquote", "font")
LOOSE = ("p", "li", "td", "tr", "br", "img", "hr", "!--", "script", "/div", "/p", "a href='<b>'")


def test_fuzz_depth_check_on_10000_page_shapes() -> None:
    """Balanced nesting is measured exactly; any markup is measured fast and only refused
    with InputError."""
    count = 0

    def check(r: Random) -> None:
        nonlocal count
        count += 1
        depth = r.choice((0, 1, r.randrange(60), r.randrange(400), SETTINGS.max_html_depth))
        names = [r.choice(BALANCED) for _ in range(depth)]
        page = "".join(f"<{n} class='c'>" for n in names) + html_lib.escape(hostile(r, 200))
        page += "".join(f"</{n}>" for n in reversed(names))
        if r.random() < 0.5:  # loose markup around it
            page = "".join(f"<{r.choice(LOOSE)}>" for _ in range(r.randrange(30))) + page
        elif 0 < depth < 100:  # well-formed: the estimate is exact
            assert html_depth(page, depth - 1) == (depth, page.rindex("<", 0, page.index("</")))
            assert html_depth(page, depth)[1] == -1
        if r.random() < 0.3:
            page = page[: r.randrange(len(page) + 1)]
        started = time.perf_counter()
        found, offset = html_depth(page, SETTINGS.max_html_depth)
        assert time.perf_counter() - started < PER_INPUT_S
        assert (offset >= 0) == (found > SETTINGS.max_html_depth)
        if offset >= 0:
            assert page[offset] == "<"
            with pytest.raises(InputError, match="max_html_depth"):
                check_depth(page, SETTINGS.max_html_depth, "page.html")

    run_batches(check, INPUTS)
    assert count >= INPUTS


def page(r: Random) -> str:
    """A page around prose: boilerplate, entities, scripts, broken and deep markup."""
    body, _ = prose(r)
    paragraphs = "".join(f"<p>{html_lib.escape(p)}</p>" for p in body.split("\n\n"))
    parts = [
        f"<title>{html_lib.escape(hostile(r, 60))}</title>",
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>",
        f"<script>var s = '<div>{hostile(r, 40)}';</script>",
        f"<article><h1>{hostile(r, 60)}</h1>{paragraphs}</article>",
        "<footer>Comments (0) Share this</footer>",
        hostile(r, 300),
        "<div>" * r.choice((0, 5, 100, 190, 260)),
        f"<meta charset='{r.choice(('utf-8', 'klingon', ''))}'>",
    ]
    r.shuffle(parts)
    text = f"<html><body>{''.join(parts)}</body></html>"
    if r.random() < 0.2:
        text = text[: r.randrange(len(text) + 1)]
    return text


def test_fuzz_clean_html_pages() -> None:
    """Whole pages through the child process: an Article obeying the contract, or refused."""
    count = 0

    def check(r: Random) -> None:
        nonlocal count
        count += 1
        raw = RawDoc(origin="page.html", html=page(r), text=r.choice((None, None, "fallback")))
        cleaned(raw, limit_s=SETTINGS.html_timeout_s + PER_INPUT_S)

    run_batches(check, PAGES)
    assert count >= PAGES
