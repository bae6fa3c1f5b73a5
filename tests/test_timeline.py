"""Dates: expression resolution, the story's date, misdated articles, timeline merging."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsfuse.analysis.dates import find_dates, is_future, looks_ahead, resolve
from newsfuse.analysis.timeline import (
    build_timeline,
    date_conflicts,
    dated_clauses,
    estimate_story_date,
    find_anomalies,
    story_dates,
)
from newsfuse.model import Article

THURSDAY = date(2024, 3, 14)


def _resolve(text: str, ref: date = THURSDAY) -> str | None:
    (expr,) = find_dates(text)
    return resolve(expr, ref, is_future(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The minister resigned on Tuesday.", "2024-03-12"),
        ("The minister resigned on Thursday.", "2024-03-14"),  # the reference day itself
        ("The minister resigned on Friday.", "2024-03-08"),  # past tense: the Friday before
        ("The minister will resign on Friday.", "2024-03-15"),  # future tense: the next one
        ("The court is expected to rule on Monday.", "2024-03-18"),
        ("The vote took place last Thursday.", "2024-03-07"),
        ("The vote takes place next Thursday.", "2024-03-21"),
        ("Parliament met this Thursday.", "2024-03-14"),
        ("The strike began yesterday.", "2024-03-13"),
        ("Talks resume tomorrow.", "2024-03-15"),
        ("The ship sank three days ago.", "2024-03-11"),
        ("Prices rose last month.", "2024-02"),
        ("Two launches failed earlier this year.", "2024"),
        ("The dam was finished on 9 March.", "2024-03-09"),
        ("The dam opened on December 30.", "2023-12-30"),  # the nearest year
        ("It was signed on 14 Sept 2023.", "2023-09-14"),
        ("The report is dated Monday, June 17, 2024.", "2024-06-17"),
    ],
)
def test_expressions_resolve_against_the_reference(text: str, expected: str) -> None:
    assert _resolve(text) == expected


def test_vague_and_unanchored_expressions_do_not_resolve() -> None:
    (vague,) = find_dates("In recent months the river rose twice.")
    assert vague.precision is None and resolve(vague, THURSDAY) is None
    (weekday,) = find_dates("The minister resigned on Tuesday.")
    assert resolve(weekday, None) is None
    assert find_dates("North Korea may have millions of shells.") == []


def _article(aid: str, text: str, published: str | None) -> Article:
    return Article(id=aid, origin=aid, source=aid, text=text, published=published)


REPORT = (
    "The Lenna flood barrier failed on Tuesday, officials said. "
    "Engineers inspected the gates on Wednesday and found a jammed hinge. "
    "In recent weeks the river had risen twice above its warning level."
)


def test_one_misdated_copy_neither_moves_the_story_date_nor_escapes_notice() -> None:
    articles = [
        _article("a", REPORT, "2024-03-14"),
        _article("b", "Marwick flooded on Tuesday after the barrier broke.", "2024-03-15"),
        _article("copy", REPORT, "2024-11-02"),  # republished months later, text unchanged
        _article("undated", "The barrier failed on Tuesday, the council said.", None),
    ]
    story = estimate_story_date(articles)
    assert story.reference == date(2024, 3, 14)
    anomalies = {a.article: a for a in find_anomalies(articles, story)}
    assert anomalies["copy"].kind == "misdated"
    assert "2024-11-02" in anomalies["copy"].detail and "recent" in anomalies["copy"].detail
    assert anomalies["undated"].kind == "undated"
    assert set(anomalies) == {"copy", "undated"}
    # The misdated and the undated article are read against the story's date.
    dated = dated_clauses(articles, story, list(anomalies.values()))
    tuesdays = {d.article for d in dated if d.date == "2024-03-12"}
    assert tuesdays == {"a", "b", "copy", "undated"}
    assert story_dates(dated, story) == ["2024-03-12", "2024-03-13"]


def test_two_equally_supported_dates_resolve_to_the_earlier() -> None:
    articles = [
        _article("early", REPORT, "2024-03-14"),
        _article("late", REPORT.replace("Tuesday", "Monday"), "2024-12-01"),
    ]
    story = estimate_story_date(articles)
    assert story.reference == date(2024, 3, 14)
    (anomaly,) = find_anomalies(articles, story)
    assert (anomaly.article, anomaly.kind) == ("late", "misdated")


def test_a_later_article_that_dates_the_events_is_not_misdated() -> None:
    articles = [
        _article("a", REPORT, "2024-03-14"),
        _article("b", REPORT, "2024-03-15"),
        _article(
            "review",
            "A year after the flood of 12 March 2024, the Lenna barrier reopened on "
            "Friday, 7 March 2025, with new gates.",
            "2025-03-08",
        ),
    ]
    story = estimate_story_date(articles)
    assert find_anomalies(articles, story) == []


def test_a_dateline_stands_in_for_a_missing_publication_date() -> None:
    articles = [_article("a", "14 March 2024\n\nThe Lenna barrier failed on Tuesday night.", None)]
    story = estimate_story_date(articles)
    assert story.reference == date(2024, 3, 14)
    assert find_anomalies(articles, story) == []
    (clause,) = dated_clauses(articles, story, [])
    assert clause.date == "2024-03-12" and clause.reliable


@pytest.mark.slow
def test_events_reported_in_other_words_merge_in_the_timeline() -> None:
    from newsfuse.embed import get_encoder

    articles = [
        _article("a", "The Lenna flood barrier collapsed on Tuesday near Marwick.", "2024-03-14"),
        _article(
            "b", "On Tuesday the flood barrier on the Lenna broke down at Marwick.", "2024-03-14"
        ),
        _article("c", "The council approved a new budget for schools on Tuesday.", "2024-03-14"),
    ]
    story = estimate_story_date(articles)
    events = build_timeline(dated_clauses(articles, story, []), get_encoder("minilm"))
    assert [e.date for e in events] == ["2024-03-12", "2024-03-12"]
    merged = next(e for e in events if len(e.articles) == 2)
    assert sorted(merged.articles) == ["a", "b"]
    assert merged.expression is not None and "Tuesday" in merged.expression
    other = next(e for e in events if e is not merged)
    assert other.articles == ["c"]


@pytest.mark.slow
def test_weekdays_read_into_different_weeks_are_not_a_dispute() -> None:
    from newsfuse.embed import get_encoder

    # "are closed until Thursday" (read as past) and "will stay shut until Thursday" (future)
    # on one Monday: the same day in the sources, read a week apart.
    articles = [
        _article("a", "All schools in the Lenna valley are closed until Thursday.", "2024-03-11"),
        _article("b", "Lenna valley schools will stay shut until this Thursday.", "2024-03-11"),
        _article("c", "The Lenna flood barrier collapsed on Tuesday, 12 March.", "2024-03-12"),
        _article("d", "The Lenna flood barrier collapsed on 13 March.", "2024-03-13"),
    ]
    story = estimate_story_date(articles)
    conflicts = date_conflicts(dated_clauses(articles, story, []), get_encoder("minilm"))
    assert all("schools" not in c.topic for c in conflicts)
    barrier = [c for c in conflicts if "barrier" in c.topic]
    assert barrier and {cl.value for cl in barrier[0].claims} == {"2024-03-12", "2024-03-13"}


MONDAY = date(2024, 3, 11)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schools in the valley are closed until Thursday.", "2024-03-14"),
        ("The road was closed until Thursday, the council said.", "2024-03-07"),
        ("A new meeting between the two sides is foreseen for Tuesday.", "2024-03-12"),
        ("The port authority offered to resume talks on Tuesday.", "2024-03-12"),
        ("The minister said she would travel to the valley on Friday.", "2024-03-15"),
        ("On Friday, Lena Dorr said that any such deal would be illegal.", "2024-03-08"),
        ("Ivo Brandt would not comment on Friday.", "2024-03-08"),
        ("The strike must finish on Sunday.", "2024-03-17"),
        ("Forecasters expect more rain on Wednesday.", "2024-03-13"),
        ("On Wednesday, the minister will open the bridge.", "2024-03-13"),
        ("The strike is due to end at 6 a.m. on Sunday.", "2024-03-17"),
        ("The mayor resigned on Friday. She will not stand again.", "2024-03-08"),
    ],
)
def test_the_words_around_a_weekday_say_whether_it_is_still_to_come(
    text: str, expected: str
) -> None:
    (expr,) = find_dates(text)
    assert resolve(expr, MONDAY, looks_ahead(text, expr.start, expr.end)) == expected


CORRESPONDENT = (
    "MARWICK, Lennland (NWS) - The Lenna flood barrier failed on Tuesday night, flooding two "
    "streets, officials said.\n\n"
    "Among those rescued was Ada Pell, 80, who spent most of Tuesday in her attic before a boat "
    "reached her.\n\n"
    "“We had no warning at all. I lost everything,” she told local radio on Wednesday.\n\n"
    "“The water will be gone by Friday,” said the mayor, Olle Brink.\n\n"
    "He said the council had offered to rebuild the barrier on Friday.\n\n"
    "It is the second flood in Marwick this year, after the Lenna burst its banks in January.\n\n"
    "The minister of the Interior, Eva Strand, has visited the places this Wednesday. «We will "
    "rebuild each house of this street», has declared the minister."
)


def test_timeline_entries_are_whole_sentences_that_say_who_did_what() -> None:
    article = _article("w", CORRESPONDENT, "2024-03-14")
    story = estimate_story_date([article])
    dated = {(d.date, d.text) for d in dated_clauses([article], story, [])}
    assert dated == {
        (
            "2024-03-12",
            "The Lenna flood barrier failed on Tuesday night, flooding two streets, officials "
            "said.",
        ),
        (
            "2024-03-12",
            "Among those rescued was Ada Pell, 80, who spent most of Tuesday in her attic before "
            "a boat reached her.",
        ),
        ("2024-03-15", "He said the council had offered to rebuild the barrier on Friday."),
        (
            "2024-01",
            "It is the second flood in Marwick this year, after the Lenna burst its banks in "
            "January.",
        ),
        (
            "2024-03-13",
            "The minister of the Interior, Eva Strand, has visited the places this Wednesday.",
        ),
    }  # no dateline, no quote told by "she", no date inside a quotation, no "this year"


SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not present")
def test_seed_timeline_dates_the_arrival_summit_and_report_and_flags_the_late_copy() -> None:
    from newsfuse.clean import clean
    from newsfuse.model import RawDoc

    articles = [
        clean(RawDoc(origin=p.name, text=p.read_text(encoding="utf-8")))
        for p in sorted(SEEDS.glob("*.txt"))
    ]
    story = estimate_story_date(articles)
    anomalies = find_anomalies(articles, story)
    late = [a for a in articles if a.published == "2024-06-17"]
    assert len(late) == 1
    assert any(x.kind == "misdated" and x.article == late[0].id for x in anomalies)
    dated = dated_clauses(articles, story, anomalies)

    def told(day: str, *words: str) -> bool:
        return any(d.date == day and all(w in d.text for w in words) for d in dated)

    assert told("2023-09-12", "arrival", "Tuesday", "armored train")
    assert told("2023-09-13", "Wednesday", "Kim Jong Un", "pledged")
    assert told("2023-09-14", "KCNA reported this Thursday", "invited Putin")
    for d in dated:  # whole sentences: a capital or a quotation mark first, a full stop last
        assert d.text[0].isupper() or d.text[0] in "“\"«'", d.text
        assert d.text.rstrip("”\"»’'")[-1] in ".!?", d.text
