"""articles.parquet and stories.parquet: written next to report.json, complete and typed."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsfuse.export import ARTICLE_COLUMNS, STORY_COLUMNS, write_parquet
from newsfuse.export import parquet as export_parquet
from newsfuse.model import (
    Analysis,
    Claim,
    Conflict,
    Entity,
    Report,
    Story,
    SummarySentence,
)
from newsfuse.model import Article as Art


def report(n: int = 25) -> Report:
    articles = [
        Art(
            id=f"a{i}",
            origin=f"in.jsonl:{i + 1}",
            source=f"outlet{i % 3}.example",
            text=f"Story number {i} about the harbour.\n\nA second paragraph.",
            title=f"Title {i}",
            published=f"2024-03-{1 + i % 28:02d}",
            language="en",
            removed=["Share this"] if i % 2 else [],
            duplicate_of="a0" if i == 5 else None,
            duplicate_score=0.93 if i == 5 else None,
            meta={"section": "port", "tags": ["a", "b"]} if i == 0 else {},
        )
        for i in range(n)
    ]
    analysis = Analysis(
        entities=[Entity(name="Harbour Authority", type="ORG", aliases=["the authority"])],
        conflicts=[
            Conflict(kind="count", topic="cranes", claims=[Claim(text="three", article="a0")])
        ],
    )
    stories = [
        Story(
            id="s1",
            title="Harbour",
            articles=[f"a{i}" for i in range(0, n, 2)],
            first_seen="2024-03-01",
            last_seen="2024-03-25",
            summary=[SummarySentence("The pier closed.", ["a0", "a2"])],
            analysis=analysis,
        ),
        Story(id="s2", title="Other", articles=[f"a{i}" for i in range(1, n, 2)]),
    ]
    return Report(articles=articles, stories=stories)


def test_tables_hold_every_article_and_story_with_the_documented_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_parquet, "BATCH_ROWS", 10)  # several row groups
    paths = write_parquet(report(), tmp_path / "out")
    assert [p.name for p in paths] == ["articles.parquet", "stories.parquet"]
    articles = pq.ParquetFile(paths[0])
    assert articles.schema_arrow == ARTICLE_COLUMNS and articles.metadata.num_row_groups == 3
    rows = articles.read().to_pylist()
    assert [r["id"] for r in rows] == [f"a{i}" for i in range(25)]
    assert [r["story_id"] for r in rows[:3]] == ["s1", "s2", "s1"]
    assert rows[5]["duplicate_of"] == "a0" and rows[5]["duplicate_score"] == 0.93
    assert rows[1]["removed"] == ["Share this"] and rows[0]["words"] == 9
    assert json.loads(rows[0]["meta"]) == {"section": "port", "tags": ["a", "b"]}
    stories = pq.read_table(paths[1])
    assert stories.schema == STORY_COLUMNS
    s1, s2 = stories.to_pylist()
    assert s1["article_count"] == 13 and s1["source_count"] == 3
    assert s1["summary"] == ["The pier closed."] and s1["summary_citations"] == [["a0", "a2"]]
    assert s1["entities"] == ["Harbour Authority"] and s1["conflicts"] == 1
    assert json.loads(s1["analysis"])["entities"][0]["aliases"] == ["the authority"]
    assert s2["analysis"] is None and s2["entities"] == [] and s2["summary"] == []
    assert sorted(os.listdir(tmp_path / "out")) == ["articles.parquet", "stories.parquet"]


def test_empty_report_still_writes_typed_tables(tmp_path: Path) -> None:
    paths = write_parquet(Report(), tmp_path)
    assert [pq.read_table(p).num_rows for p in paths] == [0, 0]
    assert pq.read_schema(paths[1]) == STORY_COLUMNS


@pytest.mark.slow
def test_cli_run_reads_a_mapped_csv_and_writes_parquet_beside_report_json(tmp_path: Path) -> None:
    texts = [
        "The harbour authority of Lindqvist closed the northern pier on Monday after a crane "
        "collapsed onto a cargo ship. Nobody was hurt, the authority said on Monday evening.",
        "Voters in the mountain town of Pellaro approved a new library by a wide margin on "
        "Sunday. The mayor said construction would begin in the spring of next year.",
    ]
    with (tmp_path / "in.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["body", "headline", "outlet", "desk"])
        for i, text in enumerate(texts):
            writer.writerow([text, f"Headline {i}", f"paper{i}.example", "news"])
    env = dict(os.environ, NEWSFUSE_ENCODER="model2vec", NEWSFUSE_ANALYSIS="false")
    result = subprocess.run(
        [sys.executable, "-m", "newsfuse.cli", "run", "in.csv", "--db", "nf.db", "--out", "o",
         "--format", "json,parquet", "--map", "body=text,headline=title,outlet=source"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path / "o")) == [
        "articles.parquet",
        "report.json",
        "stories.parquet",
    ]
    rows = pq.read_table(tmp_path / "o" / "articles.parquet").to_pylist()
    assert sorted((r["title"], r["source"]) for r in rows) == [
        ("Headline 0", "paper0.example"),
        ("Headline 1", "paper1.example"),
    ]
    assert all(json.loads(r["meta"]) == {"desk": "news"} for r in rows)
    story_ids = {r["story_id"] for r in rows}
    stories = pq.read_table(tmp_path / "o" / "stories.parquet").to_pylist()
    assert story_ids == {s["id"] for s in stories}
