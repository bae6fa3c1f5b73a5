"""What changed between two versions of one article, said in sentences a reader can check.

A brief that silently switches to a corrected text hides the correction; naming the
sentences that were added and dropped lets a reader see that a figure or a quote moved. A
figure that changed inside a sentence otherwise kept ("the death toll rose to 12" -> "... to
15") is the correction readers most need, so rewritten sentences are paired with the
sentence they replace and their changed numbers are named with the words before them.
"""

from __future__ import annotations

import difflib
import re

from newsfuse.model import ArticleUpdate

SHOWN = 3  # sentences listed per side; the counts cover the rest
PAIRED = 0.5  # word overlap (difflib ratio) from which a new sentence rewrites an old one
CONTEXT_WORDS = 4  # words named before a changed number
_SENTENCE = re.compile(r"(?<=[.!?…»”\"])\s+|\n+")
_TOKEN = re.compile(r"\d[\d,.]*\d|\d|[^\W\d_]+(?:['’-][^\W\d_]+)*|[^\w\s]")
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred thousand million "
    "billion dozen dozens hundreds thousands millions".split()
)


_GLUE = frozenset("a an the of on in at to for from by with and or as than was were".split())


def sentences(text: str) -> list[str]:
    return [s for s in (" ".join(p.split()) for p in _SENTENCE.split(text)) if s]


def _is_number(token: str) -> bool:
    return token[0].isdigit() or token.lower() in _NUMBER_WORDS


def changed_numbers(old: str, new: str) -> list[str]:
    """Each number of `old` that `new` gives otherwise, as "words before old → new"."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    found: list[str] = []
    matcher = difflib.SequenceMatcher(a=[t.lower() for t in a], b=[t.lower() for t in b])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        was, now = a[i1:i2], b[j1:j2]
        if tag != "replace" or not any(map(_is_number, was)) or not any(map(_is_number, now)):
            continue
        before: list[str] = []
        for token in reversed(a[:i1]):
            if not token[0].isalnum() or len(before) == CONTEXT_WORDS:
                break
            before.insert(0, token)
        unit = a[i2] if i2 < len(a) and j2 < len(b) and a[i2] == b[j2] else ""
        unit = unit if unit.isalpha() and unit.lower() not in _GLUE else ""  # "300 → 500 soldiers"
        found.append(" ".join([*before, " ".join(was), "→", " ".join(now), unit]).strip())
    return found


def describe(
    article_id: str,
    version: int,
    old: str,
    new: str,
    old_published: str | None = None,
    new_published: str | None = None,
    seen: str | None = None,
) -> ArticleUpdate:
    before, after = sentences(old), sentences(new)
    added: list[str] = []  # every new sentence, rewritten ones included
    removed: list[str] = []
    numbers: list[str] = []
    pairs: list[list[str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += before[i1:i2]
        if tag in ("replace", "insert"):
            added += after[j1:j2]
        if tag == "replace":
            for old_sentence in before[i1:i2]:
                ratio, twin = max(
                    (difflib.SequenceMatcher(a=old_sentence.split(), b=s.split()).ratio(), s)
                    for s in after[j1:j2]
                )
                if ratio >= PAIRED:
                    pairs.append([old_sentence, twin])
                    numbers += changed_numbers(old_sentence, twin)
    rewritten = len(pairs)
    counts = [
        (rewritten, "rewritten"),
        (len(added) - rewritten, "added"),
        (len(removed) - rewritten, "removed"),
    ]
    parts = [f"{n} {what}" for n, what in counts if n > 0]
    if parts:  # "2 sentences rewritten, 1 added"
        n = int(parts[0].split()[0])
        parts[0] = parts[0].replace(" ", f" sentence{'s' if n != 1 else ''} ", 1)
    changed = ", ".join(parts) if parts else "wording changed (same sentences)"
    return ArticleUpdate(
        article=article_id,
        version=version,
        changed=changed,
        added=added[:SHOWN],
        removed=removed[:SHOWN],
        old_published=old_published,
        new_published=new_published,
        seen=seen,
        numbers=list(dict.fromkeys(numbers)),
        rewritten=pairs[:SHOWN],
    )
