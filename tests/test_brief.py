"""Brief: cited summaries of invented stories, and report files that hostile text cannot break."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from newsfuse.brief import report_to_dict, story_to_dict, summarize, write_report
from newsfuse.brief.candidates import candidates, numbers, strip_dateline, unfit
from newsfuse.brief.summary import gather, select
from newsfuse.errors import NewsfuseError
from newsfuse.model import (
    Article,
    Membership,
    Problem,
    Report,
    StageStat,
    Story,
    SummarySentence,
)
from newsfuse.settings import Settings

# An invented event, four outlets. The collapse is reported by three of them in different
# words; each outlet adds details of its own, and two carry teasers about other stories.
BRIDGE = {
    "herald": (
        "Coastal Herald",
        "2025-03-04",
        "Harbour Bridge collapses in Lorvik\n"
        "LORVIK (Coastal Herald) — The Harbour Bridge in Lorvik collapsed on Tuesday morning, "
        "killing three people and injuring twelve others. The steel bridge, built in 1962, "
        "carried about 40,000 vehicles a day across the Varna estuary.\n"
        "Mayor Ines Halvorsen said the city would open an independent inquiry into the "
        "maintenance of the bridge. Engineers had warned last year that corrosion was "
        "weakening the main supports.\n"
        "Was the disaster preventable?\n"
        "ALSO READ: Ten recipes for a perfect spring picnic\n"
        "He added that ferries would run free of charge until a temporary crossing is built.",
    ),
    "wire": (
        "Nordic Wire",
        "2025-03-04",
        "Three people were killed when the Harbour Bridge in Lorvik collapsed on Tuesday "
        "morning, and twelve were injured. Rescue divers searched the Varna estuary for "
        "survivors until late in the evening.\n"
        "Local residents described hearing a loud crack before the central span fell into "
        "the water.\n"
        "Meanwhile, pop singer Zara Flint announced a world tour with forty concerts across "
        "Asia and Europe.",
    ),
    "valley": (
        "Valley Times",
        "2025-03-05",
        "The Harbour Bridge in Lorvik collapsed on Tuesday morning, killing three people and "
        "injuring twelve. A report published last year had warned that corrosion was "
        "weakening the main supports of the bridge.\n"
        "Click here to subscribe to our newsletter.\n"
        "Ferries will carry passengers across the estuary free of charge while a temporary "
        "crossing is built. In other news, the national football team won its qualifier "
        "against Portugal by two goals to nil.",
    ),
    "post": (
        "Evening Post",
        "2025-03-05",
        "Traffic across Lorvik was heavily congested on Wednesday as commuters looked for "
        "other routes after the bridge collapse. The national transport minister will visit "
        "the site of the collapse on Thursday, her office said. Shops near the estuary "
        "reported a sharp fall in customers since the disaster.",
    ),
}
TEASERS = ("Zara Flint", "football", "picnic", "subscribe")


def _articles(spec: dict[str, tuple[str, str, str]]) -> dict[str, Article]:
    return {
        aid: Article(
            id=aid, origin=f"{aid}.txt", source=source, text=text, published=date, title=None
        )
        for aid, (source, date, text) in spec.items()
    }


def _story(articles: dict[str, Article], sid: str = "bridge") -> Story:
    return Story(id=sid, title="Harbour Bridge collapse", articles=list(articles))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()  # MiniLM: the encoder the brief is calibrated for


@pytest.fixture(scope="module")
def bridge(settings: Settings) -> tuple[dict[str, Article], Story, list[SummarySentence]]:
    articles = _articles(BRIDGE)
    story = _story(articles)
    return articles, story, summarize(story, articles, settings)


# --- sentence fitness: rules on single sentences, no model needed --------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Harbour Bridge collapses in Lorvik after years of warnings",  # headline: no full stop
        "Was the disaster preventable by better maintenance of the bridge?",
        "Too short to say much.",
        "ALSO READ: Ten recipes for a perfect spring picnic this year.",
        "Click here to subscribe to our newsletter for daily updates.",
        "and then the central span fell into the water below the bridge.",
        '"We will rebuild the bridge within two years and it will be safer.',  # half a quote
        "THE BRIDGE HAS COLLAPSED AND THE CITY IS IN SHOCK TONIGHT.",
        "Follow us on social media for the latest updates on the collapse.",
    ],
)
def test_sentences_unfit_for_a_summary_are_refused(sentence: str) -> None:
    assert unfit(sentence) is not None


@pytest.mark.parametrize(
    "sentence",
    [
        "The Harbour Bridge in Lorvik collapsed on Tuesday morning.",
        '"We will rebuild," Mayor Ines Halvorsen told reporters on Wednesday.',
        "The city declined to comment on the cost of the new bridge.",
    ],
)
def test_ordinary_news_sentences_are_fit(sentence: str) -> None:
    assert unfit(sentence) is None


def test_dangling_openers_pay_a_penalty_and_datelines_are_dropped() -> None:
    article = Article(
        id="a",
        origin="a.txt",
        source="A",
        text="LORVIK (AP) — The bridge over the estuary collapsed on Tuesday morning. "
        "However, nobody on the ferry below the bridge was hurt by the fall.",
    )
    first, second = candidates(article)
    assert first.text.startswith("The bridge") and not first.dangling
    assert second.dangling  # the salience model weighs it down
    assert strip_dateline("US officials - not a dateline - spoke about the bridge.").startswith(
        "US officials"
    )


def test_numbers_are_normalised_so_words_and_digits_compare() -> None:
    assert numbers("about four hours, 1,200 people") == {"4", "1200"}
    assert numbers("Four hours") == numbers("4 hours")
    assert numbers("one of the bridges") == frozenset()


# --- summaries (MiniLM) ------------------------------------------------------------------


@pytest.mark.slow
def test_summary_has_cited_sentences_taken_from_member_articles(bridge) -> None:
    articles, story, summary = bridge
    assert 3 <= len(summary) <= Settings().summary_sentences
    for sentence in summary:
        assert sentence.citations and set(sentence.citations) <= set(story.articles)
        assert any(sentence.text in " ".join(articles[a].text.split()) for a in sentence.citations)
    assert len({s.text for s in summary}) == len(summary)


@pytest.mark.slow
def test_a_fact_reported_by_three_outlets_cites_all_three(bridge) -> None:
    _, _, summary = bridge
    collapse = [s for s in summary if "collapsed on Tuesday" in s.text]
    assert len(collapse) == 1  # said three times, summarised once
    assert {"herald", "wire", "valley"} <= set(collapse[0].citations)
    assert "post" not in collapse[0].citations


@pytest.mark.slow
def test_teasers_about_other_stories_never_enter(bridge, settings: Settings) -> None:
    _, _, summary = bridge
    assert not any(t.lower() in s.text.lower() for s in summary for t in TEASERS)
    # With room for every sentence, the off-topic ones must still stay out.
    small = {k: BRIDGE[k] for k in ("wire", "valley")}
    articles = _articles(small)
    pool = gather(_story(articles), articles, settings)
    assert pool is not None
    relevance = np.ones(len(pool.candidates))
    picked = [pool.candidates[i].text for i in select(pool, relevance, 7, 10_000, 1.0)]
    assert len(picked) >= 3
    assert not any(t.lower() in s.lower() for s in picked for t in TEASERS)


@pytest.mark.slow
def test_summary_is_deterministic(bridge, settings: Settings) -> None:
    articles, story, summary = bridge
    assert summarize(story, articles, settings) == summary


@pytest.mark.slow
def test_a_different_number_is_not_cited_as_support(settings: Settings) -> None:
    shared = (
        "Divers recovered the last car from the Varna estuary on Friday afternoon. "
        "The port authority reopened the shipping lane to cargo vessels on Saturday. "
    )
    articles = _articles(
        {
            "a": ("A", "2025-03-07", shared + "The recovery operation lasted about four hours."),
            "b": ("B", "2025-03-07", shared + "The recovery operation lasted about two hours."),
        }
    )
    pool = gather(_story(articles), articles, settings)  # what each sentence may cite
    assert pool is not None
    cites = {c.text: pool.supporters[i] for i, c in enumerate(pool.candidates)}
    durations = [aids for text, aids in cites.items() if "hours" in text]
    assert len(durations) == 2 and all(len(aids) == 1 for aids in durations)
    assert all(len(aids) == 2 for text, aids in cites.items() if "hours" not in text)
    summary = summarize(_story(articles), articles, settings)
    assert summary and all(set(s.citations) == cites[s.text] for s in summary)


@pytest.mark.slow
def test_near_copies_are_cited_but_never_quoted_from(settings: Settings) -> None:
    articles = _articles({k: BRIDGE[k] for k in ("herald", "wire")})
    copy = Article(
        id="copy", origin="copy.txt", source="Reprint Daily", text=articles["herald"].text
    )
    copy.duplicate_of = "herald"
    articles["copy"] = copy
    summary = summarize(_story(articles), articles, settings)
    assert summary
    for sentence in summary:
        assert ("herald" in sentence.citations) == ("copy" in sentence.citations)


@pytest.mark.slow
def test_few_usable_sentences_give_a_shorter_summary(settings: Settings) -> None:
    articles = _articles(
        {
            "x": (
                "X",
                "2025-03-04",
                "Bridge collapse\nThe Harbour Bridge in Lorvik collapsed on Tuesday morning. "
                "Rescue teams pulled four survivors from the cold water of the estuary.",
            )
        }
    )
    usable = set(articles["x"].text.split("\n")[1].replace(". ", ".\n").split("\n"))
    summary = summarize(_story(articles), articles, settings)
    assert summary and {s.text for s in summary} <= usable
    empty = Story(id="e", title="", articles=["missing"])
    assert summarize(empty, articles, settings) == []


# --- report files ---------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'
# How the cluster stage words a membership (cluster/explain.py).
GOOD_REASON = "similar text 0.88, shares Lorvik, Harbour Bridge, same day as the story (score 0.91)"


def _report() -> Report:
    """A report built by hand, hostile text in every field a stranger controls."""
    good = Article(
        id="good",
        origin="good.txt",
        source="Coastal Herald",
        text="The Harbour Bridge collapsed. " + HOSTILE,
        title="Bridge collapses",
        url="https://example.org/bridge",
        published="2025-03-04T08:00:00+00:00",
        meta={"fetched": Path("x")},  # not JSON-native: must not break report.json
    )
    evil = Article(
        id='evil"><svg onload=alert(3)>',
        origin="evil.txt",
        source='"><iframe src="https://evil.example">',
        text=HOSTILE,
        title="[click](javascript:alert(4)) " + HOSTILE,
        url="javascript:alert(5)",
        published="2025-03-05",
        duplicate_of="good",
        duplicate_score=0.93,
    )
    story = Story(
        id="../../etc/passwd",
        title=HOSTILE,
        articles=[good.id, evil.id],
        first_seen="2025-03-04T08:00:00+00:00",
        last_seen="2025-03-05",
        summary=[
            SummarySentence("The Harbour Bridge collapsed.", [good.id, evil.id]),
            SummarySentence(HOSTILE + " [x](javascript:alert(6))", [evil.id]),
        ],
        members=[
            Membership(good.id, 0.91, ["Lorvik", "Harbour Bridge"], 0, GOOD_REASON),
            Membership(evil.id, 0.88, [HOSTILE], 1, HOSTILE),
        ],
    )
    plain = Story(id="s2", title="Second story", articles=[good.id])
    return Report(
        articles=[good, evil],
        stories=[story, plain],
        problems=[Problem("bad.jsonl:3", "not JSON " + HOSTILE)],
        stats=[StageStat("clean", 3, 2, 0.01)],
    )


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    return parser.tags


def _assert_inert(tags: list[tuple[str, dict[str, str | None]]]) -> None:
    names = {t for t, _ in tags}
    assert not names & {"script", "img", "svg", "iframe", "object", "embed", "link", "base"}
    for _, attrs in tags:
        assert not any(a.startswith("on") for a in attrs)
        href = attrs.get("href")
        assert href is None or href.startswith(("#", "https://example.org"))


def test_report_json_keeps_the_contract(tmp_path: Path) -> None:
    report = _report()
    (path,) = write_report(report, tmp_path / "out", formats=["json"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == report_to_dict(report)
    assert data["version"] == 1
    article_keys = {"id", "origin", "source", "title", "url", "published", "language", "text"}
    assert all(article_keys | {"removed", "duplicate_of"} <= set(a) for a in data["articles"])
    story_keys = {"id", "title", "articles", "first_seen", "last_seen", "summary", "sources"}
    for story in data["stories"]:
        assert story_keys | {"members"} <= set(story)
        assert all(set(s) == {"text", "citations"} for s in story["summary"])
        member_keys = {"article", "similarity", "shared_entities", "date_gap_days", "reason"}
        assert all(member_keys <= set(m) for m in story["members"])
    assert data["problems"][0]["where"] == "bad.jsonl:3" and "stage" in data["problems"][0]
    assert data["stats"][0]["stage"] == "clean"
    articles = {a.id: a for a in report.articles}
    assert story_to_dict(report.stories[1], articles)["sources"] == ["Coastal Herald"]


def test_html_page_is_self_contained_and_hostile_text_stays_text(tmp_path: Path) -> None:
    (path,) = write_report(_report(), tmp_path, formats=("html",))
    assert path.name == "index.html"
    page = path.read_text(encoding="utf-8")
    tags = _elements(page)
    _assert_inert(tags)
    csp = [a["content"] for t, a in tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in (csp[0] or "") and "script-src" not in (csp[0] or "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, not run
    assert "javascript:alert(5)" in page  # the bad URL is visible as text, never a link
    assert f"Why in this story: {GOOD_REASON}<" in page  # the cluster stage's own words
    # Citation markers lead to article entries that exist on the page.
    ids = {a["id"] for _, a in tags if a.get("id")}
    targets = {(a["href"] or "")[1:] for t, a in tags if t == "a" and (a["href"] or "")[:1] == "#"}
    assert {"story-1-a1", "story-1-a2"} <= targets <= ids


def test_markdown_briefs_one_per_story_are_inert(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    report = _report()
    paths = write_report(report, tmp_path, formats=["md"])
    assert len(paths) == len(report.stories)
    for path in paths:
        assert path.parent == tmp_path / "stories" and path.suffix == ".md"
    first = paths[0].read_text(encoding="utf-8")
    _assert_inert(_elements(MarkdownIt("commonmark").render(first)))
    assert "[click]" not in first and "[x]" not in first  # no link syntax survives escaping
    # "[1][2]" after the first sentence link to the Sources entries, in story order.
    marker = r"\[\\\[{n}\\\]\]\(#story-1-a{n}\)"
    cited = marker.format(n=1) + marker.format(n=2)
    assert re.search(rf"^1\. The Harbour Bridge collapsed\. {cited}$", first, re.M)
    sources = first.split("## Sources", 1)[1]
    assert re.search(r'^1\. <a id="story-1-a1"></a>\*\*Coastal Herald\*\* .*id good', sources, re.M)
    assert re.search(r"^2\. .*near-copy of " + marker.format(n=1), sources, re.M)
    assert "## Why these articles" in first and "Lorvik" in first


def test_write_report_writes_every_format_and_refuses_unknown_ones(tmp_path: Path) -> None:
    paths = write_report(_report(), tmp_path / "new" / "dir")
    assert {p.name for p in paths} >= {"report.json", "index.html"}
    assert all(p.exists() for p in paths)
    with pytest.raises(NewsfuseError, match="pdf"):
        write_report(_report(), tmp_path, formats=["pdf"])
