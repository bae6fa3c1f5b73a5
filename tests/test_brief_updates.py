"""The brief's Updates section: which article an outlet changed, when, and what changed in
substance (figures, added and dropped sentences), in Markdown, HTML and JSON. Every text,
outlet and place here is invented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfuse import api
from newsfuse.brief.sections import updates
from newsfuse.brief.view import story_filename
from newsfuse.engine.versions import changed_numbers, describe
from newsfuse.model import Analysis
from newsfuse.settings import Settings

FIRST = (
    "A landslide buried part of the mountain village of Orlan on Sunday night. The death toll "
    "rose to 12 on Monday, the regional governor said. About 300 rescuers are searching the "
    "debris. Roads into the valley remain closed."
)
SECOND = (
    "A landslide buried part of the mountain village of Orlan on Sunday night. The death toll "
    "rose to 15 on Monday, the regional governor said. About 300 rescuers are searching the "
    "debris. An inquiry <script>alert(1)</script> into the quarry above [x](javascript:alert(1)) "
    "Orlan opens on Friday."
)
OTHERS = [
    "Rescuers in Orlan kept digging on Monday after a landslide on Sunday night buried homes "
    "below the old quarry; the governor said twelve people had died.",
    "The landslide that hit Orlan late on Sunday killed 12 people, the regional governor said on "
    "Monday, as about 300 rescuers searched the mud and roads stayed closed.",
]


def test_a_changed_figure_is_named_with_the_words_before_it() -> None:
    assert changed_numbers(
        "The death toll rose to 12 on Monday.", "The death toll rose to 15 on Monday."
    ) == ["death toll rose to 12 → 15"]
    assert changed_numbers("About 300 soldiers came.", "About 500 soldiers came.") == [
        "About 300 → 500 soldiers"
    ]
    assert changed_numbers("Roads stay closed.", "Roads stay shut.") == []
    update = describe("a", 2, FIRST, SECOND, "2025-03-03", "2025-03-04", "2025-03-04T08:02:00Z")
    assert update.numbers == ["death toll rose to 12 → 15"]
    assert update.changed == "1 sentence rewritten, 1 added, 1 removed"
    assert any("inquiry" in s for s in update.added)
    assert any("Roads into the valley" in s for s in update.removed)


def test_updates_section_lists_each_version_with_its_article_and_dates() -> None:
    update = describe("b", 3, FIRST, SECOND, "2025-03-03", "2025-03-04", "2025-03-04T08:02:00Z")
    entries, more = updates(Analysis(updates=[update]), lambda ids: [(2, "story-1-a2")])
    [entry] = entries
    assert more == 0 and (entry.article, entry.version) == ("b", 3)
    assert entry.citations == [(2, "story-1-a2")]
    assert (
        entry.when
        == "dated Mon 3 Mar 2025, now Tue 4 Mar 2025; new version found 2025-03-04 08:02 UTC"
    )
    assert entry.numbers == ["death toll rose to 12 → 15"]


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.slow
def test_ingesting_an_updated_article_shows_the_change_in_every_brief(tmp_path: Path) -> None:
    db, url = tmp_path / "nf.db", "https://ridgepost.example/orlan-landslide"
    day = {"published": "2025-03-03"}
    records = [{"id": "rp", "source": "ridgepost", "url": url, "text": FIRST, **day}] + [
        {"id": f"o{k}", "source": f"outlet{k}", "text": t, **day} for k, t in enumerate(OTHERS)
    ]
    settings = Settings.from_env(encoder="model2vec", analysis=False, index_days=0)
    api.ingest([_jsonl(tmp_path / "v1.jsonl", records)], db, settings)
    newer = {"id": "rp-again", "source": "ridgepost", "url": url, "text": SECOND}
    out = tmp_path / "out"
    result = api.ingest(
        [_jsonl(tmp_path / "v2.jsonl", [newer | {"published": "2025-03-04"}])],
        db,
        settings,
        out=out,
    )
    assert result.updated_articles == 1

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    [story] = [s for s in report["stories"] if "rp" in s["articles"]]
    [update] = story["updates"]
    assert (update["article"], update["version"]) == ("rp", 2)
    assert (update["old_published"], update["new_published"]) == ("2025-03-03", "2025-03-04")
    assert update["seen"] and update["numbers"] == ["death toll rose to 12 → 15"]

    number = story["articles"].index("rp") + 1
    anchor = f"story-{report['stories'].index(story) + 1}-a{number}"
    md = (out / "stories" / story_filename(story["id"])).read_text(encoding="utf-8")
    section = md.split("## Updates", 1)[1].split("\n## ", 1)[0]
    assert "**ridgepost**, version 2" in section
    assert "dated Mon 3 Mar 2025, now Tue 4 Mar 2025" in section
    assert "figure changed: death toll rose to 12 → 15" in section
    assert "removed: “Roads into the valley remain closed.”" in section
    now = "now: “The death toll rose to 15 on Monday, the regional governor said.”"
    assert f"{now} (was: “The death toll rose to 12 on Monday" in section
    assert f"[\\[{number}\\]](#{anchor})" in section
    added = next(line for line in section.splitlines() if "added:" in line)
    assert "&lt;script&gt;" in added and "\\[x\\](javascript:alert(1))" in added
    assert "<script>" not in md

    html = (out / "index.html").read_text(encoding="utf-8")
    part = html.split("<h3>Updates</h3>", 1)[1].split("<h3>", 1)[0]
    assert "ridgepost" in part and "version 2" in part
    assert "death toll rose to 12 → 15" in part
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in part and "<script>" not in html
    assert f'href="#{anchor}"' in part
