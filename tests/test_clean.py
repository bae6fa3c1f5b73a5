"""clean() on plain text: clutter removal, head metadata, normalisation, errors, language."""

from __future__ import annotations

import hashlib

import pytest

from newsfuse.clean import clean
from newsfuse.errors import InputError
from newsfuse.model import RawDoc
from newsfuse.settings import Settings

P1 = (
    "The city council of Northbridge voted on Tuesday to close the old harbour bridge for "
    "repairs, after engineers found deep cracks in two of its supporting piers last month."
)
P2 = (
    "Mayor Ellen Varga said the closure would last at least six months. “We cannot take any "
    "risk with a structure that carries twelve thousand cars a day,” she told reporters."
)
P3 = (
    "Commuters will be diverted over the ring road, which the transport department expects "
    "to add about fifteen minutes to a typical morning journey into the centre."
)
P4 = (
    "Local businesses near the bridge have asked for compensation, saying trade fell by a "
    "third during the last closure in 2019, according to a chamber of commerce survey."
)
SUBHEAD = "Businesses ask for help"


def article(*lines: str) -> str:
    return "\n\n".join(lines)


def test_keeps_paragraphs_and_removes_comment_box_and_share_bar() -> None:
    clutter = [
        "Share this article",
        "Leave a Reply",
        "Your email address will not be published.",
        "Post Comment",
        "0 Comments",
        "Sign up for our newsletter",
        "Follow us on Facebook",
    ]
    raw = RawDoc(origin="t.txt", text=article(P1, P2, P3, SUBHEAD, P4, *clutter))
    a = clean(raw)
    for paragraph in (P1, P2, P3, P4):
        assert paragraph in a.text
    for line in clutter:
        assert line not in a.text.split("\n")
    assert a.removed == clutter  # every removed line, in document order


def test_teaser_lines_inside_the_body_are_removed() -> None:
    teasers = [
        "ALSO READ: Ten things to know about the new ferry timetable",
        "Read more: Harbour dredging plan delayed again",
        "Related: Council budget shortfall widens",
    ]
    raw = RawDoc(origin="t", text=article(P1, teasers[0], P2, teasers[1], P3, teasers[2], P4))
    a = clean(raw)
    assert a.text == article(P1, P2, P3, P4)
    assert a.removed == teasers


def test_advertisement_markers_and_section_labels_go() -> None:
    lines = [P1, "- Advertisement -", P2, P3, "Related Articles", "Latest News", "Stay Connected"]
    a = clean(RawDoc(origin="t", text=article(*lines)))
    assert a.text == article(P1, P2, P3)
    assert "- Advertisement -" in a.removed


def test_title_from_head_is_metadata_and_appears_once() -> None:
    title = "Northbridge to close harbour bridge for repairs"
    raw = RawDoc(origin="t", text=article(title, "bridge", title, P1, P2, P3))
    a = clean(raw)
    assert a.title == title
    assert title not in a.text
    assert a.text.startswith(P1)
    assert "bridge" in a.removed  # the stray tag token
    assert title not in a.removed  # the title is metadata, not clutter


def test_given_title_wins_and_its_copy_leaves_the_text() -> None:
    title = "Bridge closure: what commuters need to know"
    a = clean(RawDoc(origin="t", title=title, text=article(title, P1, P2)))
    assert a.title == title
    assert a.text == article(P1, P2)


def test_text_starting_with_a_paragraph_has_no_title() -> None:
    a = clean(RawDoc(origin="t", text=article(P1, P2, P3)))
    assert a.title is None
    assert a.text.startswith(P1)


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("14 Sept 2023", "2023-09-14"),
        ("Monday, June 17, 2024", "2024-06-17"),
        ("May 2, 2013 | 5:03pm", "2013-05-02"),
        ("Posted on Thu Jun 13, 2013 08:45 AM PDT", "2013-06-13"),
        ("Updated: 4/11/2007 1:26 PM", "2007-04-11"),
        ("2013-05-03", "2013-05-03"),
    ],
)
def test_date_line_at_head_becomes_published_and_leaves_text(line: str, iso: str) -> None:
    title = "Northbridge to close harbour bridge"
    a = clean(RawDoc(origin="t", text=article(line, title, P1, P2)))
    assert a.published == iso
    assert a.title == title
    assert line not in a.text and line not in a.removed


def test_scraped_url_title_date_head_as_in_ecb_rows() -> None:
    url = "http://news.example.com/2013/may/03/local/bridge-closure"
    text = "\n".join([url, "Harbour Bridge Closed For Repairs", "May 03, 2013", P1, P2, P3])
    a = clean(RawDoc(origin="rows.jsonl:4", text=text))
    assert a.url == url
    assert a.title == "Harbour Bridge Closed For Repairs"
    assert a.published == "2013-05-03"
    assert a.text == article(P1, P2, P3)
    assert not any(line.startswith("http") for line in a.text.split("\n"))


def test_date_falls_back_to_url_path() -> None:
    a = clean(RawDoc(origin="t", url="https://example.org/2021/11/05/bridge", text=P1 + "\n" + P2))
    assert a.published == "2021-11-05"


def test_given_published_in_any_format_is_normalised() -> None:
    raw = RawDoc(origin="t", text=article(P1, P2), published="Thu, 14 Sep 2023 10:00:00 GMT")
    assert clean(raw).published == "2023-09-14"


def test_a_date_inside_a_body_sentence_is_not_metadata() -> None:
    body = "The old bridge was opened on May 2, 1931."
    a = clean(RawDoc(origin="t", text=article(body, P1, P2)))
    assert a.published is None
    assert body in a.text


def test_whitespace_and_invisible_characters_are_normalised() -> None:
    text = f"  {P1[:40]}\u00a0\u00a0{P1[40:]}\r\n\r\n\u200b{P2}\t \n\n\n\n{P3}\x00 "
    a = clean(RawDoc(origin="t", text=text))
    assert a.text == article(P1, P2, P3 + "")
    assert "\u200b" not in a.text and "\x00" not in a.text and "\r" not in a.text


def test_decomposed_accents_become_nfc() -> None:
    text = P1 + "\n\nThe café owner, Jose\u0301 Mari\u0301a, welcomed the decision on Tuesday."
    assert "José María" in clean(RawDoc(origin="t", text=text)).text


def test_hard_wrapped_paragraphs_are_joined() -> None:
    words = (P1 + " " + P2 + " " + P3).split()
    lines, current = [], ""
    for word in words:
        if len(current) + len(word) + 1 > 72:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    a = clean(RawDoc(origin="t", text="\n".join(lines)))
    assert a.text == " ".join(words)
    assert a.removed == []


def test_id_and_source_defaults() -> None:
    a = clean(RawDoc(origin="dir/a.txt", text=article(P1, P2)))
    assert a.id == hashlib.sha1(a.text.encode("utf-8")).hexdigest()[:16]
    assert a.source == "dir/a.txt"
    b = clean(RawDoc(origin="dir/a.txt", text=article(P1, P2), id="abc", source="Example News"))
    assert (b.id, b.source) == ("abc", "Example News")


def test_meta_is_copied_not_shared() -> None:
    raw = RawDoc(origin="t", text=article(P1, P2), meta={"feed": "x"})
    a = clean(raw)
    a.meta["added"] = 1
    assert raw.meta == {"feed": "x"}


def test_cleaning_is_deterministic() -> None:
    raw = RawDoc(origin="t", text=article("Monday, June 17, 2024", P1, "Comment (0)", P2))
    assert clean(raw) == clean(raw)


@pytest.mark.parametrize("text", ["", "   \n\t\n  "])
def test_empty_text_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError) as err:
        clean(RawDoc(origin="feed.jsonl:7", text=text))
    assert err.value.where == "feed.jsonl:7"


def test_page_furniture_only_is_an_input_error() -> None:
    text = article("Comment As:", "Comment (0)", "Please enter your comment!", "Post a Comment")
    with pytest.raises(InputError, match="no article text"):
        clean(RawDoc(origin="x", text=text))


def test_oversized_text_is_refused_not_truncated() -> None:
    with pytest.raises(InputError, match="max_article_bytes"):
        clean(RawDoc(origin="big", text=P1 * 50), Settings(max_article_bytes=1000))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (article(P1, P2), "en"),
        (
            "Le conseil municipal a voté mardi la fermeture du vieux pont du port pour des "
            "travaux, après que des ingénieurs ont découvert de profondes fissures dans deux "
            "de ses piles le mois dernier.",
            "fr",
        ),
        (
            "Der Stadtrat hat am Dienstag beschlossen, die alte Hafenbrücke für Reparaturen zu "
            "sperren, nachdem Ingenieure im vergangenen Monat tiefe Risse in zwei Pfeilern "
            "entdeckt hatten.",
            "de",
        ),
        (
            "El ayuntamiento votó el martes el cierre del viejo puente del puerto para su "
            "reparación, después de que los ingenieros encontraran grietas profundas en dos "
            "de sus pilares el mes pasado.",
            "es",
        ),
    ],
)
def test_language_is_an_iso_639_1_code(text: str, code: str) -> None:
    assert clean(RawDoc(origin="t", text=text)).language == code


def test_language_of_too_short_text_is_none() -> None:
    assert clean(RawDoc(origin="t", text="Bridge shut.")).language is None
