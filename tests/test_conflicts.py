"""Conflicts: typed figures with hedges, real disagreements versus overlapping ranges, quotes."""

from __future__ import annotations

import pytest

from newsfuse.analysis.conflicts import find_conflicts
from newsfuse.analysis.quantities import find_quantities
from newsfuse.model import Article, Fact, Quote, QuoteVariant, Span


def _figures(text: str) -> list[tuple[str, str, str, str]]:
    return [(q.kind, q.head, q.text, q.shown()) for q in find_quantities(text, [(0, len(text))])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks lasted about four hours.", ("duration", "talks", "about four hours", "≈4 h")),
        ("It was a four-hour meeting.", ("duration", "talks", "four-hour meeting", "4 h")),
        (
            "They held approximately two hours of formal discussions.",
            ("duration", "talks", "approximately two hours of formal discussions", "≈2 h"),
        ),
        ("They shook hands for 40 seconds.", ("duration", "handshake", "40 seconds", "40 s")),
        ("The attack caused 24 injuries.", ("count", "injured", "24 injuries", "24 injured")),
        (
            "Police seized three other automatic rifles.",
            ("count", "rifles", "three other automatic rifles", "3 rifles"),
        ),
        ("The deal is worth $3 billion.", ("money", "$", "$3 billion", "$3 billion")),
        ("Turnout fell to nearly 40 percent.", ("percent", "%", "nearly 40 percent", "<40%")),
        ("Twenty-five people were hurt.", ("count", "people", "Twenty-five people", "25 people")),
    ],
)
def test_figures_are_typed_and_normalised(text: str, expected: tuple[str, ...]) -> None:
    assert _figures(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "A 15-year-old boy was arrested.",
        "The war ended two years ago.",
        "Commandos boarded the ship at 1230 hours.",
        "The bridge was finished in 2016 and repaired in 2019.",
        "It exploited a zero-day flaw.",
    ],
)
def test_ages_dates_and_clock_times_are_not_figures(text: str) -> None:
    assert _figures(text) == []


def _article(aid: str, text: str) -> Article:
    return Article(id=aid, origin=aid, source=aid, text=text)


def test_durations_of_the_talks_conflict_only_beyond_their_hedges() -> None:
    articles = [
        _article("a", "The summit in Tromso lasted about four hours, officials said."),
        _article("b", "Their meeting went on for over four hours, aides to both leaders said."),
        _article("c", "After a four-hour meeting the two leaders held a joint press conference."),
        _article("d", "They then held approximately two hours of formal discussions in private."),
        _article("e", "Both leaders shook hands for about 40 seconds before the cameras."),
    ]
    (conflict,) = find_conflicts(articles, facts=[])
    assert (conflict.kind, conflict.topic) == ("duration", "duration of the talks")
    sides = {c.article: c.value for c in conflict.claims}
    assert sides == {"a": "≈4 h", "b": ">4 h", "c": "4 h", "d": "≈2 h"}  # all sides, not "e"
    for claim in conflict.claims:
        text = next(a.text for a in articles if a.id == claim.article)
        assert text[claim.start : claim.end] == claim.text
        assert claim.sentence == text
    # Without the dissenting report, the hedged figures overlap: no conflict at all.
    assert find_conflicts([a for a in articles if a.id != "d"], facts=[]) == []


def _fact(*articles: Article) -> Fact:
    return Fact(
        text=articles[0].text,
        articles=[a.id for a in articles],
        spans=[Span(a.id, 0, len(a.text), a.text) for a in articles],
    )


def test_counts_conflict_within_one_fact_and_hedged_ranges_do_not() -> None:
    a = _article("a", "The explosion at the Varna shipyard injured 24 workers on Monday.")
    b = _article("b", "The explosion at the Varna shipyard injured 31 workers on Monday.")
    c = _article("c", "The explosion at the Varna shipyard injured about 25 workers on Monday.")
    (conflict,) = find_conflicts([a, b, c], [_fact(a, b, c)])
    assert (conflict.kind, conflict.topic) == ("count", "number of workers")
    assert {(x.article, x.value) for x in conflict.claims} == {
        ("a", "24 workers"),
        ("b", "31 workers"),
        ("c", "≈25 workers"),
    }
    assert find_conflicts([a, c], [_fact(a, c)]) == []
    # The same figures in sentences that do not state the same fact are not compared.
    assert find_conflicts([a, b], [_fact(a), _fact(b)]) == []


def test_quote_rewording_is_a_conflict_but_trimming_and_spelling_are_not() -> None:
    texts = {
        "a": "“We are fighting a just war for our freedom and our land,” the president said.",
        "b": "“We are waging a holy war for our freedom and our land,” the president said.",
        "c": "“a just war for our freedom,” the president said.",
        "d": "“We are fighting a just war for our freedom and our lands,” the president said.",
    }
    articles = [_article(k, v) for k, v in texts.items()]

    def variant(aid: str) -> QuoteVariant:
        text = texts[aid]
        start, end = text.index("“") + 1, text.index("”")
        return QuoteVariant(text[start:end], aid, start, end, "said", True)

    quote = Quote("President", texts["a"], [variant(k) for k in texts])
    (conflict,) = find_conflicts(articles, [], [quote])
    assert conflict.kind == "quote" and "President" in conflict.topic
    wording = {c.article: c.value for c in conflict.claims}
    assert wording["a"] == wording["c"] == wording["d"] != wording["b"]
    agreeing = Quote("President", texts["a"], [variant(k) for k in ("a", "c", "d")])
    assert find_conflicts(articles, [], [agreeing]) == []
