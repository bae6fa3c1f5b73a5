"""Role descriptions ("the Russian President") resolved to the one person a story gives them.

A story that writes "Russian President Vladimir Putin" once lets every later "the Russian
President" stand for Putin; if two people carry the same role the description stays unresolved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from newsfuse.analysis.entity_names import fold

ROLE_NOUNS = (
    "president|vice president|prime minister|premier|chancellor|leader|minister|secretary|"
    "spokesman|spokeswoman|spokesperson|chief|head|director|chairman|chairwoman|chair|"
    "ambassador|envoy|commander|governor|mayor|senator|king|queen|dictator|ceo|founder|"
    "general|prosecutor|attorney general|foreign minister|defense minister|defence minister|"
    "candidate|nominee|speaker|monarch|emperor|pope|ruler"
)
_QUALIFIER = r"(?:[A-Z][\w’'.&-]*|of|the|and|for)"
# Capitalised qualifiers, then a role noun, right before the person's name.
_APPOSITIVE = re.compile(rf"(?<![\w’'])((?:{_QUALIFIER}\s+){{1,5}})(?P<role>(?i:{ROLE_NOUNS}))\s+$")


@dataclass(frozen=True, slots=True)
class RoleMention:
    article: int  # index into the story's articles
    start: int
    end: int
    text: str  # "the Russian President" as written
    owner: int  # entity cluster the role resolves to


def role_key(phrase: str) -> str:
    return " ".join(fold(phrase).split())


def _roles_before(text: str, start: int) -> list[str]:
    """Role phrases ending right before a name, every qualifier suffix of them.

    "Yesterday Russian President" cannot tell a sentence opener from a qualifier, so all of
    "yesterday russian president", "russian president" are registered; only phrases that
    later recur after "the" ever match anything.
    """
    line_start = text.rfind("\n", 0, start) + 1
    window = text[max(line_start, start - 80) : start]
    m = _APPOSITIVE.search(window)
    if not m:
        return []
    words = m.group(1).split()
    role = m.group("role")
    return [
        role_key(" ".join([*words[i:], role])) for i in range(len(words)) if words[i][:1].isupper()
    ]


def find_roles(texts: list[str], persons: Iterable[tuple[int, int, int]]) -> dict[str, int]:
    """Map role phrases to the unique person cluster named right after them.

    `persons` holds (article index, mention start, cluster id) of every PERSON mention.
    """
    owners: dict[str, set[int]] = defaultdict(set)
    for art, start, cluster in persons:
        for role in _roles_before(texts[art], start):
            owners[role].add(cluster)
    return {role: next(iter(c)) for role, c in owners.items() if len(c) == 1}


def role_mentions(texts: list[str], roles: dict[str, int]) -> list[RoleMention]:
    """Every "the <role>" that is not itself followed by a name."""
    if not roles:
        return []
    alternation = "|".join(
        r"\s+".join(re.escape(w) for w in role.split())
        for role in sorted(roles, key=len, reverse=True)
    )
    pattern = re.compile(rf"\b[Tt]he\s+(?P<role>(?i:{alternation}))\b(?!\s+(?:[A-Z][a-z]|[A-Z]\.))")
    found: list[RoleMention] = []
    for art, text in enumerate(texts):
        for m in pattern.finditer(text):
            owner = roles.get(role_key(m.group("role")))
            if owner is not None:
                written = "the " + " ".join(m.group("role").split())
                found.append(RoleMention(art, m.start(), m.end(), written, owner))
    return found
