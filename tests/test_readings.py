"""Ambiguous numeric dates ("02/05/2025"): both readings kept by the cleaner, one chosen by
the story's evidence. Every text, outlet and place here is invented."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsfuse import api
from newsfuse.analysis.dates import find_dates, resolve
from newsfuse.analysis.readings import order_of, readings_of, settle_dates
from newsfuse.analysis.timeline import dated_clauses, estimate_story_date, find_anomalies
from newsfuse.clean import clean
from newsfuse.clean.dates import read_date
from newsfuse.clean.head import read_date_line
from newsfuse.model import (
    DAY_FIRST,
    MONTH_FIRST,
    PUBLISHED_CHOICE_KEY,
    PUBLISHED_READINGS_KEY,
    Article,
    Membership,
    RawDoc,
    Story,
    filed_date,
)
from newsfuse.settings import Settings

STRIKE = (
    "Ferry crews at Korvath harbour stopped work on Friday morning in a dispute over rosters, "
    "leaving hundreds of travellers stranded on the quay. The strike is due to end on Sunday."
)


@pytest.mark.parametrize(
    ("value", "dates", "order"),
    [
        ("02/05/2025", ("2025-02-05", "2025-05-02"), None),  # both ways: both kept
        ("02/05/2025 - 21:14 (updated 13/05/2025 - 08:02)", ("2025-05-02",), DAY_FIRST),
        ("Posted 05/02/2025, updated 05/13/2025", ("2025-05-02",), MONTH_FIRST),
        ("Friday, 02/05/2025", ("2025-05-02",), DAY_FIRST),  # 5 Feb 2025 was a Wednesday
        ("Wed 02/05/2025 10:00", ("2025-02-05",), MONTH_FIRST),
        ("31/12/2023", ("2023-12-31",), DAY_FIRST),
        ("03/03/2025", ("2025-03-03",), None),  # the same either way
        ("14.09.2023", ("2023-09-14",), None),  # dotted dates are day first by convention
        ("May 2, 2025", ("2025-05-02",), None),
    ],
)
def test_a_numeric_date_keeps_every_reading_its_own_line_leaves_open(
    value: str, dates: tuple[str, ...], order: str | None
) -> None:
    found = read_date(value)
    assert found is not None and (found.dates, found.order) == (dates, order)
    line = read_date_line(value)
    assert line is not None and line.dates == dates


def test_the_cleaner_records_both_readings_of_a_date_line_and_of_a_feed_date() -> None:
    text = "02/05/2025 - 21:14\n\nKorvath ferry crews walk out\n\n" + STRIKE
    article = clean(RawDoc(origin="a.txt", text=text))
    assert article.published == "2025-02-05"  # the default reading until a story says more
    assert article.meta[PUBLISHED_READINGS_KEY] == ["2025-02-05", "2025-05-02"]
    assert "02/05/2025" not in article.text
    fed = clean(RawDoc(origin="f.jsonl:1", text=STRIKE, published="02/05/2025"))
    assert readings_of(fed) == ("2025-02-05", "2025-05-02")
    plain = clean(RawDoc(origin="g.jsonl:1", text=STRIKE, published="2025-05-02"))
    assert readings_of(plain) is None and PUBLISHED_READINGS_KEY not in plain.meta


def _ambiguous(aid: str, source: str = "harbourpost", url: str | None = None) -> Article:
    return Article(
        id=aid,
        origin=aid,
        source=source,
        text=STRIKE,
        url=url,
        published="2025-02-05",
        language="en",
        meta={PUBLISHED_READINGS_KEY: ["2025-02-05", "2025-05-02"]},
    )


def _story(members: list[Article]) -> tuple[Story, dict[str, Article]]:
    """A story dated as the cluster stage dates it: by each article's filed date."""
    ordered = sorted(members, key=lambda a: (filed_date(a) or "~", a.id))
    story = Story(
        id="s1",
        title="Ferry strike",
        articles=[a.id for a in ordered],
        first_seen=filed_date(ordered[0]),
        last_seen=filed_date(ordered[-1]),
        members=[
            Membership(a.id, 0.8, [], 0, "similar text 0.80, same day as the story (score 0.8)")
            for a in ordered
        ],
    )
    return story, {a.id: a for a in members}


def test_the_story_chooses_the_reading_its_other_reports_support() -> None:
    others = [
        Article("b", "b", "tidings", STRIKE, published="2025-05-02"),
        Article("c", "c", "coastline", STRIKE.replace("Friday", "Friday, 2 May 2025,"), None),
    ]
    story, articles = _story([_ambiguous("a"), *others])
    assert story.articles[0] == "a" and story.first_seen == "2025-02-05"
    changed = settle_dates([story], articles)
    assert [a.id for a in changed] == ["a"]
    assert articles["a"].published == "2025-05-02"
    assert articles["a"].meta[PUBLISHED_READINGS_KEY] == ["2025-02-05", "2025-05-02"]
    why = articles["a"].meta[PUBLISHED_CHOICE_KEY]
    assert "day-first" in why and "2 other articles" in why
    assert (story.first_seen, story.last_seen) == ("2025-05-02", "2025-05-02")
    assert story.articles[-1] == "c"  # the undated one still sorts last
    assert all(m.date_gap_days == 0 for m in story.members if m.article != "c")
    assert order_of(articles["a"]) == DAY_FIRST
    # Idempotent: the choice is made again from the kept readings, and nothing changes.
    assert settle_dates([story], articles) == []
    assert articles["a"].published == "2025-05-02"
    # Grouping still sees the first reading, so a resumed run clusters as a whole run did;
    # a story built again from that reading is redated to the same result.
    assert filed_date(articles["a"]) == "2025-02-05"
    again, _ = _story(list(articles.values()))
    assert again.first_seen == "2025-02-05"
    assert settle_dates([again], articles) == []
    assert (again.first_seen, again.articles, again.members) == (
        story.first_seen,
        story.articles,
        story.members,
    )


def test_without_story_evidence_the_site_decides_then_the_default() -> None:
    lone = [
        _ambiguous("uk", url="https://www.harbourpost.co.uk/news/strike"),
        _ambiguous("us", url="https://harbourpost.us/news/strike"),
        _ambiguous("fr", source="lemarin"),
        _ambiguous("none", source="wire"),
    ]
    lone[2].language = "fr"
    stories = [_story([a])[0] for a in lone]
    articles = {a.id: a for a in lone}
    settle_dates(stories, articles)
    assert [articles[k].published for k in ("uk", "us", "fr", "none")] == [
        "2025-05-02",
        "2025-02-05",
        "2025-05-02",
        "2025-02-05",
    ]
    assert ".uk" in articles["uk"].meta[PUBLISHED_CHOICE_KEY]
    assert "nothing in the story tells" in articles["none"].meta[PUBLISHED_CHOICE_KEY]


def test_a_date_that_reads_one_way_settles_the_page_and_its_site() -> None:
    own = _ambiguous("own")
    own.text += " Talks resume on 13/05/2025."
    elsewhere = Article(
        "older", "older", "harbourpost", "Fares rise from 14/03/2025, the operator said.", None
    )
    sibling = _ambiguous("sibling")  # same source, another story, nothing of its own
    stories = [_story([own])[0], _story([elsewhere])[0], _story([sibling])[0]]
    articles = {a.id: a for a in (own, elsewhere, sibling)}
    settle_dates(stories, articles)
    assert own.published == "2025-05-02" and "another date" in own.meta[PUBLISHED_CHOICE_KEY]
    assert sibling.published == "2025-05-02"
    assert "harbourpost writes dates day-first" in sibling.meta[PUBLISHED_CHOICE_KEY]


def test_numeric_dates_in_the_text_follow_the_article_or_the_nearer_reading() -> None:
    (expr,) = find_dates("The inquiry opens on 04/06/2025 in Korvath.")
    assert expr.readings == ("2025-04-06", "2025-06-04") and expr.ambiguous
    assert resolve(expr, None) is None  # no evidence: left unresolved, never guessed
    assert resolve(expr, date(2025, 6, 1)) == "2025-06-04"
    assert resolve(expr, date(2025, 6, 1), order=MONTH_FIRST) == "2025-04-06"
    (named,) = find_dates("It opened on Wednesday 04/06/2025.")  # 4 June 2025: a Wednesday
    assert resolve(named, None) == "2025-06-04"
    article = Article(
        "k",
        "k",
        "harbourpost",
        "Korvath council voted on 13/05/2025 to cut fares. The cuts start on 02/06/2025 for "
        "every route on the island.",
        published="2025-05-14",
    )
    story = estimate_story_date([article])
    days = {d.date for d in dated_clauses([article], story, [])}
    assert days == {"2025-05-13", "2025-06-02"}  # the page writes day first


def test_the_chosen_date_spares_a_misdated_flag() -> None:
    articles = [
        _ambiguous("a"),
        Article("b", "b", "tidings", STRIKE, published="2025-05-02"),
        Article("c", "c", "coastline", STRIKE, published="2025-05-03"),
    ]
    articles[0].text = articles[0].text.replace("ferry", "ferries")
    before = find_anomalies(articles, estimate_story_date(articles))
    assert [(a.article, a.kind) for a in before] == [("a", "predated")]
    story, by_id = _story(articles)
    settle_dates([story], by_id)
    after = estimate_story_date(articles)
    assert find_anomalies(articles, after) == []
    fridays = {d.article: d.date for d in dated_clauses(articles, after, []) if "Friday" in d.text}
    assert fridays == {"a": "2025-05-02", "b": "2025-05-02", "c": "2025-05-02"}


@pytest.mark.slow
@pytest.mark.parametrize("command", ["ingest", "run"])
def test_ingest_and_run_store_and_report_the_reading_the_story_supports(
    tmp_path: Path, command: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quayside.txt").write_text(
        "02/05/2025 - 21:14\n\nKorvath harbour stopped by ferry strike\n\n" + STRIKE
    )
    records = [
        {"id": "w1", "source": "tidings", "published": "2025-05-02", "text": STRIKE},
        {
            "id": "w2",
            "source": "coastline",
            "published": "May 2, 2025",
            "text": STRIKE.replace("Ferry crews", "Crews of the island ferries"),
        },
    ]
    (folder / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    settings = Settings.from_env(encoder="model2vec", index_days=0)
    if command == "ingest":
        api.ingest([folder], tmp_path / "nf.db", settings, out=out, formats=("json",))
    else:
        api.run([folder], db=tmp_path / "nf.db", settings=settings, out=out, formats=("json",))
    report = json.loads((out / "report.json").read_text())
    quay = next(a for a in report["articles"] if a["origin"].endswith("quayside.txt"))
    assert quay["published"] == "2025-05-02"
    assert quay["meta"][PUBLISHED_READINGS_KEY] == ["2025-02-05", "2025-05-02"]
    [story] = [s for s in report["stories"] if quay["id"] in s["articles"]]
    assert (story["first_seen"], story["last_seen"]) == ("2025-05-02", "2025-05-02")
    assert not any(a["kind"] in ("misdated", "predated") for a in story["anomalies"])
    assert {e["date"] for e in story["timeline"]} >= {"2025-05-02", "2025-05-04"}
    assert api.article(tmp_path / "nf.db", quay["id"]).published == "2025-05-02"  # stored too
