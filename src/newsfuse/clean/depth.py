"""How deeply a page nests its elements, estimated before any parser builds a tree.

libxml2 (under lxml and trafilatura) stops building the tree at 256 levels and carries on
without the deeper content, so a deeply nested page loses its text silently, after up to a
second of work. Refusing such a page up front with its depth is cheaper and says why.

The estimate follows the HTML rules that matter for depth without building anything: void
elements never open, raw-text elements (script, style...) hold no tags, and elements with
optional end tags (p, li, td...) close when the next one starts. Where it is unsure it counts
deeper, so a page may be refused that a parser would just cope with, never the reverse. It
stops at the first element past the limit, so it costs one scan even on a hostile page.
"""

from __future__ import annotations

import re

from newsfuse.errors import InputError

_TAG = re.compile(r"<(/?)([a-z][a-z0-9:-]*)|<!--")
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr img input keygen link meta param "
    "source track wbr".split()
)
_RAW = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
_BLOCK = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr main menu nav ol p pre section table ul".split()
)
# An element with an optional end tag closes when one of these starts, unless one of its
# scope boundaries (the list or table it belongs to) comes first, looking down the stack.
_CLOSED_BY: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "p": (_BLOCK, frozenset("button td th li table caption marquee object".split())),
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "option": (frozenset({"option", "optgroup"}), frozenset({"select", "datalist"})),
    "optgroup": (frozenset({"optgroup"}), frozenset({"select"})),
    "td": (frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "th": (frozenset({"td", "th", "tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "tr": (frozenset({"tr", "tbody", "thead", "tfoot"}), frozenset({"table"})),
    "thead": (frozenset({"tbody", "tfoot"}), frozenset({"table"})),
    "tbody": (frozenset({"tbody", "tfoot"}), frozenset({"table"})),
}
_BOUNDARIES = frozenset().union(*(rule[1] for rule in _CLOSED_BY.values()))
_WINDOW = 16  # how far down the stack an end tag is looked for: bounds the work per tag


def _close_implied(stack: list[str], name: str) -> None:
    for open_name in reversed(stack[-_WINDOW:]):
        rule = _CLOSED_BY.get(open_name)
        if rule is not None and name in rule[0]:
            del stack[len(stack) - 1 - stack[::-1].index(open_name) :]
            return
        if open_name in _BOUNDARIES:
            return


def html_depth(html: str, limit: int) -> tuple[int, int]:
    """(deepest nesting seen, character offset where it first went past `limit`, or -1)."""
    if html.count("<") <= limit:  # cannot nest deeper than it has tags
        return 0, -1
    text = html.lower()
    stack: list[str] = []
    deepest = 0
    pos = 0
    while (match := _TAG.search(text, pos)) is not None:
        pos = match.end()
        if match.group(0) == "<!--":
            end = text.find("-->", pos)
            pos = len(text) if end < 0 else end + 3
            continue
        closing, name = match.group(1), match.group(2)
        if closing:
            if name in stack[-_WINDOW:]:
                del stack[len(stack) - 1 - stack[::-1].index(name) :]
            continue
        if name in _VOID:
            continue
        _close_implied(stack, name)
        stack.append(name)
        deepest = max(deepest, len(stack))
        if deepest > limit:
            return deepest, match.start()
        if name in _RAW:
            end = text.find(f"</{name}", pos)
            pos = len(text) if end < 0 else end
    return deepest, -1


def check_depth(html: str, limit: int, where: str) -> None:
    """Refuse a page nested deeper than `limit` elements, naming where it went too deep."""
    _, offset = html_depth(html, limit)
    if offset >= 0:
        raise InputError(
            where,
            f"page nests more than max_html_depth={limit} elements deep (from character "
            f"{offset}); refused, since parsers silently drop text nested that deep: "
            "fix the page or raise NEWSFUSE_MAX_HTML_DEPTH (at most 250)",
        )
