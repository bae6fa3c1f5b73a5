"""What the fuzzers found, pinned as plain tests so each stays fixed."""

from __future__ import annotations

import unicodedata

import pytest

from newsfuse.clean import clean
from newsfuse.cluster import cluster
from newsfuse.model import RawDoc
from newsfuse.settings import Settings

BODY = (
    "The harbour board met on Tuesday and agreed to dredge the northern channel before the "
    "spring tides, after two cargo ships touched the bottom in a single week."
)


def test_a_url_with_an_unclosed_ipv6_bracket_is_not_a_crash() -> None:
    """It stopped the whole run (ValueError from urlsplit) when the record had no source."""
    raw = RawDoc(origin="feed.jsonl:1", text=BODY, url="http://[::1", source="feed.jsonl")
    article = clean(raw)
    assert article.source == "feed.jsonl" and article.url == "http://[::1"


def test_a_title_is_one_line() -> None:
    """A line break in a title would end a Markdown heading and start text of its own."""
    raw = RawDoc(origin="a.txt", text=BODY, title="Dredging\n## Injected heading\r\nmore")
    assert clean(raw).title == "Dredging ## Injected heading more"


def test_text_is_nfc_even_with_an_invisible_character_inside_a_letter() -> None:
    """A zero-width space between a letter and its accent kept them apart through NFC."""
    raw = RawDoc(origin="a.txt", text=BODY + " Cafe\u200b\u0301 owners agreed.")
    text = clean(raw).text
    assert unicodedata.is_normalized("NFC", text) and "Café owners" in text


@pytest.mark.slow
def test_articles_that_name_nobody_still_cluster() -> None:
    """A batch with no capitalised names crashed clustering (a matrix of zero columns)."""
    texts = [BODY.lower(), BODY.lower().replace("tuesday", "monday"), "rain fell all day long."]
    articles = [clean(RawDoc(origin=f"{i}.txt", text=t)) for i, t in enumerate(texts)]
    stories = cluster(articles, Settings(encoder="model2vec"))
    assert sorted(a for s in stories for a in s.articles) == sorted(a.id for a in articles)
