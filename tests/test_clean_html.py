"""clean() on HTML: trafilatura main text and metadata, in a worker process with a timeout."""

from __future__ import annotations

import pytest

from newsfuse.clean import clean, html
from newsfuse.errors import InputError
from newsfuse.model import RawDoc
from newsfuse.settings import Settings

PARAGRAPHS = [
    "The city council of Northbridge voted on Tuesday to close the old harbour bridge for "
    "repairs, after engineers found deep cracks in two of its supporting piers last month.",
    "Mayor Ellen Varga said the closure would last at least six months. “We cannot take any "
    "risk with a structure that carries twelve thousand cars a day,” she told reporters.",
    "Commuters will be diverted over the ring road, which the transport department expects "
    "to add about fifteen minutes to a typical morning journey into the centre.",
    "Local businesses near the bridge have asked for compensation, saying trade fell by a "
    "third during the last closure in 2019, according to a chamber of commerce survey.",
]
TITLE = "Harbour bridge to close for repairs"


def page(paragraphs: list[str] = PARAGRAPHS, extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    menu = "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in ["Home", "News", "Sport"])
    teasers = "".join(f'<li><a href="/s/{i}">Other story number {i}</a></li>' for i in range(6))
    return f"""<!doctype html><html><head>
<title>{TITLE} | Northbridge Gazette</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="Northbridge Gazette">
<meta property="article:published_time" content="2021-11-05T08:30:00+00:00">
<link rel="canonical" href="https://gazette.example/news/bridge-closure">
</head><body>
<nav><ul>{menu}</ul></nav>
<main><article><h1>{TITLE}</h1><p class="byline">By Ana Costa</p>{body}{extra}</article></main>
<aside><h3>Most read</h3><ul>{teasers}</ul></aside>
<footer><p>© 2021 Northbridge Gazette. All rights reserved.</p></footer>
</body></html>"""


def test_main_text_and_metadata() -> None:
    a = clean(RawDoc(origin="p.html", html=page(), id="p1"))
    assert a.text == "\n\n".join(PARAGRAPHS)
    assert a.title == TITLE
    assert a.published == "2021-11-05"
    assert a.url == "https://gazette.example/news/bridge-closure"
    assert a.meta["sitename"] == "Northbridge Gazette"
    assert a.language == "en"
    assert a.id == "p1"


def test_teaser_inside_the_article_is_removed() -> None:
    teaser = "<p>ALSO READ: Ferry timetable changes from Monday</p>"
    a = clean(RawDoc(origin="p.html", html=page(PARAGRAPHS[:2] + PARAGRAPHS[2:], teaser)))
    assert "ALSO READ" not in a.text
    assert a.removed == ["ALSO READ: Ferry timetable changes from Monday"]


def test_reader_metadata_wins_over_the_page() -> None:
    raw = RawDoc(
        origin="p.html",
        html=page(),
        title="Given title",
        url="https://elsewhere.example/x",
        published="2021-11-04",
    )
    a = clean(raw)
    assert (a.title, a.url, a.published) == ("Given title", raw.url, "2021-11-04")


def test_page_without_article_is_an_input_error() -> None:
    raw = RawDoc(
        origin="empty.html", html="<html><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    with pytest.raises(InputError, match="html page has no article text") as err:
        clean(raw)
    assert err.value.where == "empty.html"


def test_text_is_used_when_the_html_holds_no_article() -> None:
    raw = RawDoc(origin="r", html="<html><body></body></html>", text="\n\n".join(PARAGRAPHS))
    assert clean(raw).text == "\n\n".join(PARAGRAPHS)


def test_oversized_page_is_refused() -> None:
    with pytest.raises(InputError, match="max_article_bytes"):
        clean(RawDoc(origin="big.html", html=page()), Settings(max_article_bytes=500))


def test_overrunning_page_is_stopped_and_the_next_page_still_works() -> None:
    clean(RawDoc(origin="warm.html", html=page()))  # the worker is up: only the page is timed
    huge = page(PARAGRAPHS * 3000)
    with pytest.raises(InputError, match="longer than"):
        clean(RawDoc(origin="huge.html", html=huge), Settings(html_timeout_s=0.001))
    assert clean(RawDoc(origin="next.html", html=page())).title == TITLE


def test_a_dead_worker_is_replaced() -> None:
    clean(RawDoc(origin="a.html", html=page()))
    worker = html._worker
    assert worker is not None
    worker.proc.kill()
    worker.proc.wait()
    assert clean(RawDoc(origin="b.html", html=page())).text.startswith(PARAGRAPHS[0])
    assert html._worker is not worker


def test_in_process_extraction_when_timeout_is_off() -> None:
    a = clean(RawDoc(origin="p.html", html=page()), Settings(html_timeout_s=0))
    assert a.text == "\n\n".join(PARAGRAPHS)
