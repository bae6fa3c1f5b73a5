"""parse_date(): any written date to ISO, deterministically, never guessing from the clock."""

from __future__ import annotations

import pytest

from newsfuse.clean import parse_date
from newsfuse.clean.dates import url_date
from newsfuse.clean.head import date_line


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("14 Sept 2023", "2023-09-14"),
        ("Monday, June 17, 2024", "2024-06-17"),
        ("May 2, 2013 | 5:03pm", "2013-05-02"),
        ("May 03, 2013", "2013-05-03"),
        ("2013-05-03", "2013-05-03"),
        ("2023-09-14T23:10:00+09:00", "2023-09-14"),
        ("Thu, 14 Sep 2023 10:00:00 GMT", "2023-09-14"),
        ("Nov. 30, 2009", "2009-11-30"),
        ("JUNE 6, 2013 11:34PM", "2013-06-06"),
        ("9:53 AM, MON 22 JUL 2013", "2013-07-22"),
        ("Sunday, November 27-2005 at 16:12", "2005-11-27"),
        ("the 3rd of March 2021", "2021-03-03"),
        ("4/11/2007", "2007-04-11"),  # numeric dates are month first...
        ("31/12/2023", "2023-12-31"),  # ...unless that cannot be
        ("10/25/11 06:44 PM ET", "2011-10-25"),
        ("14.09.2023", "2023-09-14"),
        ("/2013/may/03/local/story", "2013-05-03"),
        ("https://example.org/2013/05/03/story.html", "2013-05-03"),
        ("14 septembre 2023", "2023-09-14"),  # other languages go through dateparser
        ("3. März 2021", "2021-03-03"),
    ],
)
def test_written_dates(value: str, iso: str) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    "value",
    ["", "   ", "today", "yesterday at 5pm", "2 days ago", "June 17", "March 2021",
     "February 30, 2023", "2023-13-01", "not a date at all", "the 2019 World Cup final"],
)  # fmt: skip
def test_no_complete_calendar_date_gives_none(value: str) -> None:
    assert parse_date(value) is None


def test_parsing_is_repeatable() -> None:
    values = ["14 septembre 2023", "Monday, June 17, 2024", "today"]
    assert [parse_date(v) for v in values] == [parse_date(v) for v in values]


@pytest.mark.parametrize(
    ("url", "iso"),
    [
        ("http://articles.example.com/2013/may/03/local/story", "2013-05-03"),
        ("https://example.com/news/2013-07-21/story/", "2013-07-21"),
        ("http://example.com/article/20130308/SPORTS/703089893", "2013-03-08"),
        ("http://example.com/2013/05/story", None),  # no day
        ("http://example.com/id/12345678/", None),
    ],
)
def test_dates_in_url_paths(url: str, iso: str | None) -> None:
    assert url_date(url) == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("Posted on Thu Jun 13, 2013 08:45 AM PDT", "2013-06-13"),
        ("Updated: May 16, 2005, 6:03 PM ET", "2005-05-16"),
        ("First Posted: 10/25/11 06:44 PM ET Updated: 12/25/11 05:12 AM ET", "2011-10-25"),
        ("on Tuesday, 16 December 2008 13:45.", "2008-12-16"),
        ("He died on May 2, 2013.", None),  # a sentence, not a date line
        ("Lohan was at the clinic from September 2010 to January 2011 after a violation", None),
        ("Mumbai, Nov 11 -", None),  # no year: nothing to pin it to
    ],
)
def test_date_lines(line: str, iso: str | None) -> None:
    assert date_line(line) == iso
