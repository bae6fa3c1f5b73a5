"""Brief v2: disputes, single-source details, quotes, timeline and source notes, rendered.

The story is invented and its analysis built by hand, so each test checks what the brief
does with a known analysis (the analysis itself has its own tests).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsfuse.brief import sections, write_report
from newsfuse.brief.candidates import Candidate
from newsfuse.brief.sections import day_label
from newsfuse.brief.summary import fact_support, shared_wording
from newsfuse.brief.view import story_view
from newsfuse.model import (
    Analysis,
    Anomaly,
    Article,
    Claim,
    Conflict,
    Entity,
    Fact,
    ProvenanceLink,
    Quote,
    QuoteVariant,
    Report,
    Span,
    Story,
    SummarySentence,
    TimelineEvent,
)

EVIL = "<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"


def _article(aid: str, source: str, published: str | None, text: str) -> Article:
    return Article(id=aid, origin=f"{aid}.txt", source=source, text=text, published=published)


ARTICLES = [
    _article(
        "a",
        "Coastal Herald",
        "2025-03-04",
        "The ferry Marlin ran aground off Skarvik on Monday. The captain spoke for about "
        "three hours with investigators. Harbour master Tove Lind said the channel was unlit.",
    ),
    _article(
        "b",
        "Nordic Wire",
        "2025-03-04",
        "The ferry Marlin ran aground off Skarvik on Monday. Investigators questioned the "
        "captain for over three hours.",
    ),
    _article(
        "c",
        "Valley Times",
        "2026-01-10",
        "The ferry Marlin ran aground off Skarvik on Monday, the Nordic Wire reported. The "
        "captain was questioned for one hour. A diver found a 2-metre gash in the hull.",
    ),
    _article("d", "Copy Daily", "2025-03-05", "The ferry Marlin ran aground off Skarvik."),
]


def _analysis() -> Analysis:
    def span(aid: str, text: str) -> Span:
        body = next(a.text for a in ARTICLES if a.id == aid)
        start = body.index(text)
        return Span(aid, start, start + len(text), text)

    grounded = "The ferry Marlin ran aground off Skarvik on Monday."
    gash = "A diver found a 2-metre gash in the hull."
    return Analysis(
        entities=[
            Entity("Tove Lind", "PERSON", ["Tove Lind", "Ms. Lind"], ["a"], 1),
            Entity("Skarvik", "GPE", ["Skarvik"], ["a", "b", "c", "d"], 4),
        ],
        facts=[
            Fact(grounded, ["a", "b", "c", "d"], 3, [span(x, grounded[:-1]) for x in "abc"], "a"),
            Fact(gash, ["c"], 1, [span("c", gash)], "c"),
            Fact(
                "Harbour master Tove Lind said the channel was unlit.",
                ["a", "d"],
                1,
                [span("a", "Harbour master Tove Lind said the channel was unlit.")],
                "a",
            ),
        ],
        conflicts=[
            Conflict(
                "duration",
                "duration of the questioning",
                [
                    Claim(
                        "about three hours",
                        "a",
                        "The captain spoke for about three hours with investigators.",
                        value="≈3 h",
                    ),
                    Claim(
                        "over three hours",
                        "b",
                        "Investigators questioned the captain for over three hours.",
                        value=">3 h",
                    ),
                    Claim(
                        "one hour",
                        "c",
                        "The captain was questioned for one hour.",
                        value="1 h",
                    ),
                ],
            )
        ],
        quotes=[
            Quote(
                "Tove Lind",
                "the channel was unlit",
                [
                    QuoteVariant("the channel was unlit", "a", cue="said", direct=False),
                    QuoteVariant("The channel had no lights", "b", cue="said"),
                    QuoteVariant("the channel was unlit", "d", cue="said", direct=False),
                ],
            ),
            Quote("Tove Lind", "unlit", [QuoteVariant("unlit", "c", cue="said")]),
            Quote(EVIL, EVIL, [QuoteVariant(EVIL + " now", "c", cue="said")]),
        ],
        timeline=[
            TimelineEvent("2025-03-05", "Divers inspected the hull.", ["c"], "on Tuesday"),
            TimelineEvent("2025-03-03", grounded, ["a", "b", "c"], "on Monday"),
        ],
        anomalies=[Anomaly("misdated", "c", "published 2026-01-10, 312 days after the story")],
        provenance=[
            ProvenanceLink("a", None),
            ProvenanceLink("d", "a", 0.93, "shares 1 passage, published a day later"),
            ProvenanceLink("c", None, 0.0, "passages credited to Nordic Wire", ["Nordic Wire"]),
        ],
    )


def _report() -> Report:
    story = Story(
        id="ferry",
        title="Ferry runs aground off Skarvik",
        articles=[a.id for a in ARTICLES],
        summary=[SummarySentence("The ferry Marlin ran aground off Skarvik on Monday.", ["a"])],
        analysis=_analysis(),
    )
    return Report(articles=list(ARTICLES), stories=[story])


def _markdown(tmp_path: Path) -> str:
    (path,) = write_report(_report(), tmp_path, formats=["md"])
    return path.read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _numbers(line: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[\\\[(\d+)\\\]\]\(#story-1-a\d+\)", line)}


def test_a_dispute_shows_both_sides_with_their_sources_and_marks_the_words(
    tmp_path: Path,
) -> None:
    disputed = _section(_markdown(tmp_path), "Disputed")
    head = disputed.strip().splitlines()[0]
    # "about" and "over" three hours hedge the same figure: one side, two articles.
    three, one = head.split(" vs ")
    assert "about three hours / over three hours" in three and _numbers(three) == {1, 2}
    assert "one hour" in one and _numbers(one) == {3}
    assert "lasted" not in disputed
    assert "for **one hour**." in disputed
    assert "for **about three hours** with investigators" in disputed


def test_single_source_details_leave_out_corroborated_and_summary_facts(tmp_path: Path) -> None:
    details = _section(_markdown(tmp_path), "Reported by one source only")
    gash = next(line for line in details.splitlines() if "2-metre gash" in line)
    assert _numbers(gash) == {3}
    assert "ran aground" not in details  # three independent sources, and in the summary
    # Printed by two articles, but one copies the other: still one source, and said so.
    lind = next(line for line in details.splitlines() if "Tove Lind" in line)
    assert "share one origin" in lind and _numbers(lind) == {1, 4}


def test_quotes_group_wordings_by_speaker_and_drop_scare_quotes(tmp_path: Path) -> None:
    quotes = _section(_markdown(tmp_path), "Quotes")
    lines = quotes.strip().splitlines()
    speaker = next(k for k, line in enumerate(lines) if line.startswith("- **Tove Lind**"))
    assert "(3 articles)" in lines[speaker]
    first, second = lines[speaker + 1], lines[speaker + 2]
    assert "the channel was unlit" in first and _numbers(first) == {1, 4}
    assert "reported speech" in first
    assert second.lstrip().startswith("- worded as: “The channel had no lights”")
    assert _numbers(second) == {2}
    assert "“unlit”" not in quotes


def test_timeline_is_in_date_order_with_readable_days(tmp_path: Path) -> None:
    timeline = _section(_markdown(tmp_path), "Timeline").strip().splitlines()
    assert timeline[0].startswith("- **Mon 3 Mar 2025** *(on Monday)*: The ferry Marlin")
    assert _numbers(timeline[0]) == {1, 2, 3}
    assert timeline[1].startswith("- **Wed 5 Mar 2025**")
    assert day_label("2025-03") == "March 2025" and day_label("2025") == "2025"


def test_source_notes_say_what_each_adds_copies_and_how_it_is_dated(tmp_path: Path) -> None:
    sources = _section(_markdown(tmp_path), "Sources")
    entries = re.split(r"\n(?=\d+\. )", sources.strip())
    copy = next(e for e in entries if "Copy Daily" in e)
    assert "likely copies or rewrites, score 0.93" in copy and _numbers(copy) == {1}
    valley = next(e for e in entries if "Valley Times" in e)
    assert "adds 1 detail no other article has" in valley
    assert "date flag (misdated)" in valley and "credits Nordic Wire" in valley


def test_every_marker_leads_to_an_article_entry_and_hostile_text_stays_text(
    tmp_path: Path,
) -> None:
    text = _markdown(tmp_path)
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    targets = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert targets and targets <= anchors
    assert "<script>" not in text and "<img" not in text
    assert not re.search(r"(?<!\\)\]\(javascript", text) and "\\](javascript" in text
    (page,) = write_report(_report(), tmp_path / "html", formats=["html"])
    html = page.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(html)
    assert not {"script", "img"} & {t for t, _ in parser.tags}
    ids = {a["id"] for _, a in parser.tags if a.get("id")}
    hrefs = {a["href"] for t, a in parser.tags if t == "a" and a.get("href")}
    assert hrefs and all(h and h[1:] in ids for h in hrefs)
    assert "<mark>one hour</mark>" in html and "&lt;script&gt;" in html


def test_view_without_analysis_has_no_analysis_sections(tmp_path: Path) -> None:
    report = _report()
    report.stories[0].analysis = None
    view = story_view(report.stories[0], {a.id: a for a in ARTICLES}, 1)
    assert not view.sections.disputes and not view.entries[0].notes
    (path,) = write_report(report, tmp_path, formats=["md"])
    text = path.read_text(encoding="utf-8")
    assert "## Disputed" not in text and "## Summary" in text and "## Sources" in text


def test_a_sentence_is_backed_by_the_independent_sources_of_its_facts() -> None:
    story = _report().stories[0]
    pool = [
        Candidate("b", 0, 2, "The ferry Marlin ran aground off Skarvik on Monday."),
        Candidate("c", 2, 3, "A diver found a 2-metre gash in the hull."),
        # One short corroborated clause inside a long sentence carries only its share.
        Candidate(
            "a",
            0,
            3,
            "The ferry Marlin ran aground off Skarvik on Monday. The captain spoke for about "
            "three hours with investigators who had come from the capital that morning.",
        ),
    ]
    grounded, gash, long = fact_support(pool, story)
    assert grounded == 3.0 and gash == 1.0 and 1.0 < long < 2.0
    story.analysis = None
    assert fact_support(pool, story) == [1.0, 1.0, 1.0]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_details_beyond_the_first_fold_away_in_html_and_are_counted_in_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sections, "MAX_DETAILS", 1)
    text = _markdown(tmp_path)
    assert "…and 1 more single-source details in index.html" in text
    (page,) = write_report(_report(), tmp_path / "html", formats=["html"])
    html = page.read_text(encoding="utf-8")
    folded = html.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "1 more single-source detail<" in folded
    shown = _section(text, "Reported by one source only")
    # Whichever detail is shown in full, the other is the one folded away.
    other = "2-metre gash" if "Tove Lind" in shown else "Tove Lind"
    assert other in folded and other not in shown


def test_wording_the_other_sources_share_scores_above_a_lone_turn_of_phrase() -> None:
    pool = [
        Candidate("a", 0, 2, "The ferry Marlin ran aground off Skarvik on Monday."),
        Candidate("a", 1, 2, "Gulls circled the quiet harbour cafe all afternoon."),
        Candidate("b", 0, 1, "Investigators say the Marlin ran aground near Skarvik."),
        Candidate("c", 0, 1, "Skarvik coastguards reached the grounded ferry Marlin."),
    ]
    owners = [c.article for c in pool]
    shared = shared_wording(pool, owners)
    assert shared[0] >= 0.5 > shared[1] == 0.0
    # Copies of one original are one voice: only other sources count.
    assert shared_wording(pool, ["a", "a", "a", "a"]).tolist() == [0.0] * 4
