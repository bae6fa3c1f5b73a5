"""clean() on real scraped text from ../shared: the seeds' clutter, ECB+ head lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsfuse.clean import clean, parse_date
from newsfuse.clean.head import date_line
from newsfuse.model import RawDoc

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))
ECB = SHARED / "datasets" / "ecbplus-dev.jsonl"

# The page furniture the seeds are known to carry (see ../shared/README.md).
CLUTTER_LINES = [
    "Comment As:",
    "Comment (0)",
    "Please enter your comment!",
    "Please enter your name here",
    "No comments:",
    "Post a Comment",
    "- Advertisement -",
    "Related Articles",
    "Latest Articles",
    "Stay Connected",
    "source site",
    "kims",
]
_PARAGRAPH_END = re.compile(r"[.!?…][\"'”’)]*$")

pytestmark = pytest.mark.slow


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def seeds() -> list[tuple[str, RawDoc]]:
    if not SEEDS:
        pytest.skip("../shared/seeds not available")
    return [
        (p.read_text(encoding="utf-8"), RawDoc(origin=str(p), text=p.read_text())) for p in SEEDS
    ]


def test_no_listed_clutter_remains_in_any_seed(seeds: list[tuple[str, RawDoc]]) -> None:
    for _, raw in seeds:
        kept = set(clean(raw).text.split("\n"))
        for line in CLUTTER_LINES:
            assert line not in kept, f"{raw.origin}: {line!r} kept"
        assert not any(line.upper().startswith("ALSO READ") for line in kept), raw.origin


def test_every_listed_clutter_line_present_is_reported_removed(
    seeds: list[tuple[str, RawDoc]],
) -> None:
    for original, raw in seeds:
        present = [line for line in _lines(original) if line in CLUTTER_LINES]
        removed = clean(raw).removed
        assert [line for line in removed if line in CLUTTER_LINES] == present


def test_every_real_paragraph_is_kept(seeds: list[tuple[str, RawDoc]]) -> None:
    for original, raw in seeds:
        text = clean(raw).text
        paragraphs = [
            line
            for line in _lines(original)
            if len(line.split()) >= 15 and _PARAGRAPH_END.search(line)
        ]
        assert paragraphs, raw.origin
        for paragraph in paragraphs:
            assert paragraph in text, f"{raw.origin}: lost {paragraph[:60]!r}"


def test_seed_head_dates_and_titles(seeds: list[tuple[str, RawDoc]]) -> None:
    for original, raw in seeds:
        article = clean(raw)
        first = _lines(original)[0]
        if date_line(first):
            assert article.published == parse_date(first)
            assert first not in article.text
        if article.title:
            assert article.title not in article.text.split("\n")
            assert len(article.title.split()) <= 25


@pytest.fixture(scope="module")
def ecb_rows_with_url() -> list[dict[str, str]]:
    if not ECB.is_file():
        pytest.skip("../shared/datasets/ecbplus-dev.jsonl not available")
    rows = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if r["text"].startswith("http")]


def test_ecb_head_lines_become_metadata(ecb_rows_with_url: list[dict[str, str]]) -> None:
    dated = titled = 0
    for row in ecb_rows_with_url:
        article = clean(RawDoc(origin=row["id"], text=row["text"], id=row["id"]))
        first = row["text"].split("\n", 1)[0].strip()
        assert article.url == first
        assert not any(line.startswith("http") for line in article.text.split("\n"))
        titled += article.title is not None
        assert article.title is None or article.title not in article.text.split("\n")
        dated += article.published is not None
    # Most of these rows carry a date line under the title or a date in the URL.
    assert dated >= 0.85 * len(ecb_rows_with_url)
    assert titled >= 0.9 * len(ecb_rows_with_url)


def test_every_ecb_row_cleans_to_text() -> None:
    if not ECB.is_file():
        pytest.skip("../shared/datasets/ecbplus-dev.jsonl not available")
    for line in ECB.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        article = clean(RawDoc(origin=row["id"], text=row["text"], id=row["id"]))
        assert article.text.strip()
        assert article.language == "en", row["id"]
