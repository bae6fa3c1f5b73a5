"""Write the report files: report.json for tools, index.html and Markdown briefs for people."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from newsfuse.brief.markdown import render_story
from newsfuse.brief.page import render_html
from newsfuse.brief.report import report_to_dict
from newsfuse.brief.view import story_view
from newsfuse.errors import NewsfuseError
from newsfuse.model import Report

FORMATS = ("md", "html", "json")


def _write(path: Path, text: str) -> Path:
    """Write beside and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_report(
    report: Report, out_dir: Path, formats: Iterable[str] = ("md", "html", "json")
) -> list[Path]:
    """Write the chosen formats under out_dir (created); returns the paths written."""
    chosen = list(dict.fromkeys(formats))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise NewsfuseError(
            f"unknown report format {unknown[0]!r}; choose from {', '.join(FORMATS)}"
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for fmt in chosen:
        if fmt == "json":
            data = json.dumps(report_to_dict(report), ensure_ascii=False, indent=2)
            written.append(_write(out_dir / "report.json", data + "\n"))
        elif fmt == "html":
            written.append(_write(out_dir / "index.html", render_html(report)))
        else:
            articles = {a.id: a for a in report.articles}
            for k, story in enumerate(report.stories, 1):
                view = story_view(story, articles, k)
                written.append(_write(out_dir / "stories" / view.filename, render_story(view)))
    return written
