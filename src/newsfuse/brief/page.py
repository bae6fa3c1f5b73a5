"""The whole report as one self-contained HTML page: no scripts, no requests, inline CSS.

Autoescaping is on for every value and nothing is ever marked safe, so hostile article text
renders as text; the Content-Security-Policy in the template is the second lock.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from newsfuse.brief.view import story_view
from newsfuse.model import Report


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("newsfuse.brief", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    articles = {a.id: a for a in report.articles}
    views = [story_view(story, articles, k) for k, story in enumerate(report.stories, 1)]
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            stories=views,
            article_count=len(report.articles),
            problems=report.problems,
            stats=report.stats,
        )
    )
