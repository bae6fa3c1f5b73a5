"""Where the story's events happened, as facts supported across sources.

Sources agree on a venue far more often than on any sentence about it: one writes "the
decision to meet at the Vostochny Cosmodrome", another "visited facilities at the Vostochny
cosmodrome", a third "after the meeting at the Vostochny Cosmodrome Space Centre". Sentence
alignment rightly keeps those apart (they claim different things), so the venue is read
directly: an event word (meet, summit, talks, visit...) followed within a few words by "at" or
"in" and a proper name. Mentions whose names share their distinctive words are one venue.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from newsfuse.analysis.dates import WEEKDAYS
from newsfuse.model import Article, Span

_EVENT = re.compile(
    r"\b(?P<event>meet|meets|met|meeting|meetings|summit|talks|discussions|negotiations|"
    r"visit|visits|visited|visiting|held|hosted|gathered|convened|took place|ceremony|"
    r"conference|rally|signed|signing)\b"
    r"(?P<gap>(?:\s+[\w'’-]+){0,4}?)\s+(?:at|in)\s+(?:the\s+)?"
    r"(?P<place>[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+){0,4})"
)
_NOUN = {
    "meet": "meeting",
    "meets": "meeting",
    "met": "meeting",
    "meetings": "meeting",
    "visits": "visit",
    "visited": "visit",
    "visiting": "visit",
    "held": "meeting",
    "hosted": "meeting",
    "gathered": "meeting",
    "convened": "meeting",
    "took place": "meeting",
    "signed": "signing",
}
_GENERIC = frozenset(
    re.findall(
        r"\S+",
        "the of space centre center city port base airport hotel palace hall house building "
        "station region province district county state republic island",
    )
)
_NOT_PLACES = frozenset(
    (
        *WEEKDAYS,
        *("January", "February", "March", "April", "May", "June", "July", "August"),
        *("September", "October", "November", "December", "The", "This", "That", "A", "An"),
    )
)


@dataclass(slots=True)
class VenueMention:
    event: str  # normalised noun: meeting, summit, talks, visit...
    place: str
    key: frozenset[str]  # distinctive words of the place
    span: Span


def find_venues(article: Article) -> list[VenueMention]:
    found = []
    for m in _EVENT.finditer(article.text):
        place = m.group("place")
        if place.split()[0] in _NOT_PLACES or "\n" in m.group(0) or "." in m.group("gap"):
            continue
        key = frozenset(w.lower() for w in place.split()) - _GENERIC
        if not key:
            continue
        event = m.group("event").lower()
        span = Span(article.id, m.start(), m.end(), m.group(0))
        found.append(VenueMention(_NOUN.get(event, event), place, key, span))
    return found


def group_venues(mentions: list[VenueMention]) -> list[list[VenueMention]]:
    """Mentions whose distinctive words nest ("Vostochny" within "Vostochny Cosmodrome")."""
    groups: list[tuple[set[str], list[VenueMention]]] = []
    for mention in sorted(mentions, key=lambda m: -len(m.key)):
        for key, members in groups:
            if mention.key <= key or key <= mention.key:
                members.append(mention)
                key |= mention.key
                break
        else:
            groups.append((set(mention.key), [mention]))
    return [members for _, members in groups]


def describe(members: list[VenueMention]) -> str:
    """ "Meeting at the Vostochny Cosmodrome": the commonest event word and fullest name
    that more than one mention uses (or the commonest name)."""
    event = Counter(m.event for m in members).most_common(1)[0][0]
    names = Counter(m.place for m in members)
    shared = [n for n, c in names.items() if c > 1] or [names.most_common(1)[0][0]]
    place = max(shared, key=lambda n: (len(n.split()), names[n]))
    return f"{event[:1].upper()}{event[1:]} at {place}"
