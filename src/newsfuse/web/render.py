"""Templates: autoescaped Jinja with no way to mark article text safe.

Autoescape is forced on for every template (not chosen by file name), and no filter here
returns Markup, so anything taken from an article is escaped wherever a template prints it.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlencode

import jinja2

from newsfuse.web.assets import asset_url


def _query(base: dict[str, Any], **changes: Any) -> str:
    """A query string from the current filters with some changed (None removes a key)."""
    merged = {**base, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") else f"{n} {word}s"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newsfuse.web", "templates"),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = asset_url
    env.globals["query"] = _query
    env.filters["plural"] = _plural
    return env


def render(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(name).render(context)
