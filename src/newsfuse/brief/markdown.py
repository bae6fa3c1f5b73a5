"""One Markdown brief per story, readable as plain text and inert when rendered.

Article text is written by strangers: a title like "[x](javascript:...)" or "<img onerror>"
must show as those characters, not become a link or markup. Every article-derived field is
collapsed to one line (so it cannot open a block) and escaped.
"""

from __future__ import annotations

import re

from newsfuse.brief.sections import ClaimEntry
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


def cites(citations: list[tuple[int, str]]) -> str:
    """Article markers that jump to the article's entry under Sources."""
    return "".join(f"[\\[{n}\\]](#{anchor})" for n, anchor in citations)


def _line(text: str, citations: list[tuple[int, str]]) -> str:
    return f"{text} {cites(citations)}".rstrip()


def _more(count: int, what: str) -> list[str]:
    return [f"- *…and {count} more {what}*"] if count else []


def render_story(view: StoryView) -> str:
    lines = [f"# {md(view.title) or 'Untitled story'}", ""]
    when = (
        f"events {md(view.events)} · published {md(view.dates)}" if view.events else md(view.dates)
    )
    lines.append(f"*{when}* · {len(view.entries)} articles · story {md(view.id)}")
    lines.append("")
    lines.append(f"Outlets: {', '.join(md(s) for s in view.sources) or 'unknown'}")
    lines += ["", "## Summary", ""]
    if not view.summary:
        lines.append("No sentence of these articles can stand alone as a summary.")
    for k, sentence in enumerate(view.summary, 1):
        lines.append(f"{k}. " + _line(md(sentence.text), sentence.citations))
    lines += _analysis(view)
    lines += ["", "## Sources", ""]
    for e in view.entries:
        parts = [f"**{md(e.source) or 'unknown source'}**", md(e.title) or "untitled"]
        parts.append(md(e.published) or "undated")
        parts.append(f"id {md(e.article)}")
        if e.url:
            parts.append(f"<{e.url}>")
        elif e.raw_url:
            parts.append(f"URL (not linked): {md(e.raw_url)}")
        line = f'{e.number}. <a id="{e.anchor}"></a>' + " — ".join(parts)
        if e.duplicate_of:
            n = e.duplicate_number
            target = cites([(n, f"{view.anchor}-a{n}")]) if n else md(e.duplicate_of)
            line += f" (near-copy of {target})"
        lines.append(line)
        for note, citations in e.notes:
            lines.append("    - " + _line(md(note), citations))
    lines += ["", "## Why these articles", ""]
    for e in view.entries:
        lines.append(
            f"- {cites([(e.number, e.anchor)])} {md(e.source) or 'unknown source'}: {md(e.why)}"
        )
    return "\n".join(lines) + "\n"


def _quoted_claim(c: ClaimEntry, kind: str) -> str:
    """The claim's sentence with the disputed words in bold; a quote's wording alone."""
    if not c.words or kind == "quote":
        return f"“{md(c.words or c.before)}”"
    marked = md(f"{c.before}\x00{c.words}\x01{c.after}")
    return "“" + marked.replace("\x00", "**").replace("\x01", "**") + "”"


def _updates(view: StoryView) -> list[str]:
    """Articles the outlets changed after publishing, and what changed in substance."""
    s = view.sections
    if not s.updates:
        return []
    lines = ["", "## Updates", ""]
    for u in s.updates:
        when = f" ({md(u.when)})" if u.when else ""
        head = f"**{md(u.source) or 'unknown source'}**, version {u.version}{when}: {md(u.changed)}"
        lines.append("- " + _line(head, u.citations))
        for figure in u.numbers:
            lines.append("    - " + _line(f"figure changed: {md(figure)}", u.citations))
        for was, now in u.rewritten:
            lines.append("    - " + _line(f"now: “{md(now)}” (was: “{md(was)}”)", u.citations))
        for text in u.added:
            lines.append("    - " + _line(f"added: “{md(text)}”", u.citations))
        for text in u.removed:
            lines.append("    - " + _line(f"removed: “{md(text)}”", u.citations))
    lines += _more(s.more.get("updates", 0), "updated articles in report.json")
    return lines


def _analysis(view: StoryView) -> list[str]:
    s = view.sections
    lines: list[str] = _updates(view)
    if s.disputes:
        lines += ["", "## Disputed", ""]
        for d in s.disputes:
            versus = " vs ".join(_line(md(side.label), side.citations) for side in d.sides)
            lines.append(f"- **{md(d.topic[:1].upper() + d.topic[1:])}**: {versus}")
            if d.kind == "quote":
                continue  # the wordings are the claims; Quotes shows them in full
            for side in d.sides:
                for c in side.claims:
                    lines.append("    - " + _line(_quoted_claim(c, d.kind), c.citations))
        lines += _more(s.more.get("disputes", 0), "disputes in report.json")
    if s.details:
        lines += ["", "## Reported by one source only", ""]
        for detail in s.details:
            note = f" *({md(detail.note)})*" if detail.note else ""
            lines.append("- " + _line(md(detail.text) + note, detail.citations))
        lines += _more(len(s.other_details), "single-source details in index.html")
    if s.quotes:
        lines += ["", "## Quotes", ""]
        for q in s.quotes:
            lines.append(
                f"- **{md(q.speaker)}** ({q.sources} article{'' if q.sources == 1 else 's'})"
            )
            for wordings in q.statements:
                for k, w in enumerate(wordings):
                    text = f"“{md(w.text)}”" if w.direct else f"{md(w.text)} *(reported speech)*"
                    indent = "    - " if k == 0 else "        - worded as: "
                    lines.append(indent + _line(text, w.citations))
        lines += _more(s.more.get("quotes", 0), "quotes in report.json")
    if s.events:
        lines += ["", "## Timeline", ""]
        for e in s.events:
            said = f" *({md(e.expression)})*" if e.expression else ""
            lines.append(f"- **{md(e.label)}**{said}: " + _line(md(e.text), e.citations))
        lines += _more(s.more.get("events", 0), "dated events in report.json")
    return lines
