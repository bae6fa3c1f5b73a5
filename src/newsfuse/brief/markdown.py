"""One Markdown brief per story, readable as plain text and inert when rendered.

Article text is written by strangers: a title like "[x](javascript:...)" or "<img onerror>"
must show as those characters, not become a link or markup. Every article-derived field is
collapsed to one line (so it cannot open a block) and escaped.
"""

from __future__ import annotations

import re

from newsfuse.brief.view import StoryView

# Enough to stop emphasis, code, links, images, headings and tables; "(" and "!" are inert
# once "[" is escaped, and escaping them would make the plain text hard to read.
_MD_PUNCT = re.compile(r"([\\`*_\[\]#|~])")
_BLOCK_START = re.compile(r"^(\d{0,9})([-+=.)])(?=\s|$)")


def md(text: str | None) -> str:
    """Escape for inline Markdown. <, > and & become entities, which every dialect honours."""
    flat = " ".join((text or "").split())
    flat = _MD_PUNCT.sub(r"\\\1", flat)
    flat = _BLOCK_START.sub(r"\1\\\2", flat)  # "- x", "+ x", "2024. x" would open a list
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_story(view: StoryView) -> str:
    lines = [f"# {md(view.title) or 'Untitled story'}", ""]
    lines.append(f"*{md(view.dates)}* · {len(view.entries)} articles · story {md(view.id)}")
    lines.append("")
    lines.append(f"Sources: {', '.join(md(s) for s in view.sources) or 'unknown'}")
    lines += ["", "## Summary", ""]
    if not view.summary:
        lines.append("No sentence of these articles can stand alone as a summary.")
    for k, sentence in enumerate(view.summary, 1):
        cites = "".join(f"[{n}]" for n, _ in sentence.citations)
        lines.append(f"{k}. {md(sentence.text)} {cites}".rstrip())
    lines += ["", "## Sources", ""]
    for e in view.entries:
        parts = [f"**{md(e.source) or 'unknown source'}**", md(e.title) or "untitled"]
        parts.append(md(e.published) or "undated")
        parts.append(f"id {md(e.article)}")
        if e.url:
            parts.append(f"<{e.url}>")
        elif e.raw_url:
            parts.append(f"URL (not linked): {md(e.raw_url)}")
        line = f"{e.number}. " + " — ".join(parts)
        if e.duplicate_of:
            target = f"[{e.duplicate_number}]" if e.duplicate_number else md(e.duplicate_of)
            line += f" (near-copy of {target})"
        lines.append(line)
    lines += ["", "## Why these articles", ""]
    for e in view.entries:
        lines.append(f"- [{e.number}] {md(e.source) or 'unknown source'}: {md(e.why)}")
    return "\n".join(lines) + "\n"
