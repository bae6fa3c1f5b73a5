"""Resource limits: each refuses oversized input early, with a message naming its setting."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path

import pytest

from newsfuse.clean import clean
from newsfuse.clean.depth import html_depth
from newsfuse.errors import InputError, SettingsError
from newsfuse.ingest import read_paths
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

SENTENCE = "The harbour board met on Tuesday and agreed to dredge the northern channel. "
PAGE_TEXT = SENTENCE * 6


def read(paths: list[Path], settings: Settings) -> tuple[list[RawDoc], list[Problem]]:
    problems: list[Problem] = []
    return list(read_paths(paths, settings, problems)), problems


def gzip_bomb(path: Path, expanded: int, fill: bytes = b" ") -> Path:
    """A real bomb: one gzip member of 16 MiB of `fill`, repeated (concatenated members
    are one valid gzip stream), so it is built in milliseconds yet expands to `expanded`."""
    block = 16 * 2**20
    member = gzip.compress(fill * (block // len(fill)), compresslevel=9)
    with path.open("wb") as out:
        for _ in range(expanded // block):
            out.write(member)
    return path


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.html.gz", "bomb.jsonl.gz"])
def test_a_gzip_bomb_is_refused_not_expanded(tmp_path: Path, name: str) -> None:
    bomb = gzip_bomb(tmp_path / name, expanded=4 * 2**30)  # 4 GiB from a few MB on disk
    assert bomb.stat().st_size < 8 * 2**20
    settings = Settings(max_decompressed_bytes=64 * 2**20)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        docs, problems = read([bomb], settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started
    assert docs == []
    assert [p.where for p in problems] == [str(bomb)]
    assert "expands to more than" in problems[0].message
    assert "max_" in problems[0].message and "\n" not in problems[0].message
    # Expanding 4 GiB would take tens of seconds and gigabytes; stopping early takes neither.
    assert peak < 64 * 2**20, f"peak Python memory {peak:,} bytes"
    assert elapsed < 30, f"took {elapsed:.1f} s"


def test_the_decompression_limit_stops_a_jsonl_bomb_of_records(tmp_path: Path) -> None:
    """Many small valid records: each line is fine, only the total gives the bomb away."""
    record = (json.dumps({"text": SENTENCE}) + "\n").encode()
    bomb = gzip_bomb(tmp_path / "records.jsonl.gz", expanded=64 * 2**20, fill=record)
    settings = Settings(max_decompressed_bytes=2**20)
    problems: list[Problem] = []
    docs = 0
    for doc in read_paths([bomb], settings, problems):
        docs += 1
        assert doc.text == SENTENCE
    assert 0 < docs <= 2**20 // len(record) + 1  # kept what came before the limit
    [problem] = problems
    assert problem.where == str(bomb) and "max_decompressed_bytes" in problem.message
    assert "records before it were kept" in problem.message


def test_a_huge_line_costs_that_line_only(tmp_path: Path) -> None:
    good = json.dumps({"text": SENTENCE}) + "\n"
    huge = json.dumps({"text": "x" * 6_000_000}) + "\n"  # over the default 5 MB
    path = tmp_path / "lines.jsonl"
    path.write_text(good + huge + good, encoding="utf-8")
    docs, problems = read([path], Settings())
    assert [d.origin for d in docs] == [f"{path}:1", f"{path}:3"]
    [problem] = problems
    assert problem.where == f"{path}:2" and "max_article_bytes=5000000" in problem.message


def test_the_cleaner_refuses_an_oversized_record_it_did_not_read_itself() -> None:
    """Records built in Python (the API) skip the readers' checks; clean() has its own."""
    raw = RawDoc(origin="api:1", text=SENTENCE * 100)
    with pytest.raises(InputError, match=r"over max_article_bytes=1,000 \(not truncated\)"):
        clean(raw, Settings(max_article_bytes=1000))


def nested(depth: int, tag: str = "div") -> str:
    return f"<html><body>{f'<{tag}>' * depth}<p>{PAGE_TEXT}</p>{f'</{tag}>' * depth}</body></html>"


def test_deeply_nested_html_is_refused_with_its_depth() -> None:
    raw = RawDoc(origin="deep.html", html=nested(5000))
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        clean(raw, Settings())
    assert time.perf_counter() - started < 5
    assert caught.value.where == "deep.html"
    assert "max_html_depth=200" in caught.value.message
    assert "NEWSFUSE_MAX_HTML_DEPTH" in caught.value.message


def test_html_under_the_depth_limit_keeps_its_text() -> None:
    article = clean(RawDoc(origin="ok.html", html=nested(150)), Settings())
    assert SENTENCE.strip() in article.text


@pytest.mark.parametrize(
    ("page", "deep"),
    [
        ("<li>" * 5000, False),  # list items close each other
        ("<p>" * 5000, False),
        ("<table><tr><td>x</td></tr></table>" * 5000, False),
        ("<br><img><hr>" * 5000, False),  # void elements never open
        ("<script>" + "<div>" * 5000 + "</script>", False),  # no tags inside scripts
        ("<!--" + "<div>" * 5000 + "-->", False),
        ("<p><div>" * 300, True),  # a div closes the p, but the divs nest
        ("<table><tr><td>" * 100, True),  # 300 levels of table cells
        ("<b>" * 300, True),  # unclosed inline elements nest
        ("<DIV CLASS=x>" * 300, True),
    ],
)
def test_depth_estimate_follows_html_nesting_rules(page: str, deep: bool) -> None:
    depth, offset = html_depth(page, 200)
    assert (offset >= 0) is deep, depth


def test_a_deep_page_in_a_batch_is_one_problem(tmp_path: Path) -> None:
    from newsfuse.engine.pool import clean_all

    (tmp_path / "deep.html").write_text(nested(1000), encoding="utf-8")
    (tmp_path / "fine.html").write_text(nested(10), encoding="utf-8")
    settings = Settings()
    problems: list[Problem] = []
    out = list(clean_all(read_paths([tmp_path], settings, problems), settings, workers=1))
    assert problems == []
    bad = [item for item in out if isinstance(item, Problem)]
    assert [p.where for p in bad] == [str(tmp_path / "deep.html")]
    assert len(out) == 2


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("NEWSFUSE_MAX_HTML_DEPTH", "0"),
        ("NEWSFUSE_MAX_HTML_DEPTH", "300"),
        ("NEWSFUSE_MAX_FILES", "0"),
        ("NEWSFUSE_MAX_ARTICLE_BYTES", "-1"),
        ("NEWSFUSE_MAX_DECOMPRESSED_BYTES", "lots"),
    ],
)
def test_bad_limit_settings_fail_at_start(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(SettingsError, match=env.removeprefix("NEWSFUSE_").lower()):
        Settings.from_env()


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSFUSE_MAX_FILES", "2")
    monkeypatch.setenv("NEWSFUSE_MAX_HTML_DEPTH", "20")
    settings = Settings.from_env()
    assert (settings.max_files, settings.max_html_depth) == (2, 20)
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text(f"story {name} " + SENTENCE, encoding="utf-8")
    docs, problems = read([tmp_path], settings)
    assert len(docs) == 2
    [problem] = problems
    assert problem.where == str(tmp_path / "c.txt") and "NEWSFUSE_MAX_FILES" in problem.message
    with pytest.raises(InputError, match="max_html_depth=20"):
        clean(RawDoc(origin="p.html", html=nested(30)), settings)
