"""What changed between two versions of one article, said in sentences a reader can check.

A brief that silently switches to a corrected text hides the correction; naming the
sentences that were added and dropped lets a reader see that a figure or a quote moved.
"""

from __future__ import annotations

import difflib
import re

from newsfuse.model import ArticleUpdate

SHOWN = 3  # sentences listed per side; the counts cover the rest
_SENTENCE = re.compile(r"(?<=[.!?…»”\"])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [s for s in (" ".join(p.split()) for p in _SENTENCE.split(text)) if s]


def describe(article_id: str, version: int, old: str, new: str) -> ArticleUpdate:
    before, after = sentences(old), sentences(new)
    added: list[str] = []
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += before[i1:i2]
        if tag in ("replace", "insert"):
            added += after[j1:j2]
    parts = []
    if added:
        parts.append(f"{len(added)} sentence{'s' if len(added) != 1 else ''} added")
    if removed:
        parts.append(f"{len(removed)} removed")
    changed = ", ".join(parts) if parts else "wording changed (same sentences)"
    return ArticleUpdate(
        article=article_id,
        version=version,
        changed=changed,
        added=added[:SHOWN],
        removed=removed[:SHOWN],
    )
