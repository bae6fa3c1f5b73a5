"""Stories as users see them: stable ids, ordered members, and why each article is there.

A grouping nobody can check is not trusted, so every membership carries its evidence: the
pair score that put it there, how alike the texts are, the names it shares with the rest
and how far its date lies from the story's.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from statistics import median_low

import numpy as np

from newsfuse.cluster.profiles import Profiles, day_of
from newsfuse.model import Article, Membership, Story, filed_date

SHOWN_NAMES = 4
TITLE_CHARS = 90
ALONE = "the only original report of this event"


def story_id(article_ids: list[str]) -> str:
    """Named after its smallest member id, so a rerun on the same input gives the same id."""
    return "s" + hashlib.sha1(min(article_ids).encode("utf-8")).hexdigest()[:12]


def headline(article: Article) -> str:
    if article.title and article.title.strip():
        return " ".join(article.title.split())
    head = " ".join(article.text.split())
    if len(head) <= TITLE_CHARS:
        return head
    cut = head[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def _date_key(a: Article, day: float) -> tuple[float, str, str]:
    return (math.inf if math.isnan(day) else day, a.published or "", a.id)


def _gap_words(gap: int | None) -> str:
    if gap is None:
        return "undated"
    if gap == 0:
        return "same day as the story"
    return f"{gap} day{'s' if gap != 1 else ''} from the story's date"


def _shared(p: Profiles, pos: int, members: list[int]) -> list[str]:
    counts = Counter(k for m in members if m != pos for k in p.name_keys[m])
    mine = p.name_keys[pos]
    ranked = sorted(
        (k for k in mine if counts[k] > 0),
        key=lambda k: (-counts[k], -p.name_idf.get(k, 0.0), k),
    )
    # "Holloway" says nothing "Jane Holloway" has not said already.
    kept = [k for k in ranked if not any(k != o and f" {k} " in f" {o} " for o in ranked)]
    return [mine[k] for k in kept[:SHOWN_NAMES]]


def _alone(article: Article) -> Story:
    """Most stories of a big stream have one report: built without the group arithmetic."""
    dated = not math.isnan(day_of(filed_date(article)))
    return Story(
        id=story_id([article.id]),
        title=headline(article),
        articles=[article.id],
        first_seen=article.published if dated else None,
        last_seen=article.published if dated else None,
        sources=[article.source] if article.source else [],
        members=[Membership(article.id, 1.0, [], 0 if dated else None, ALONE)],
    )


def build_story(
    p: Profiles,
    originals: list[Article],
    members: list[int],
    copies: dict[int, list[Article]],
    prob: np.ndarray,
    meaning: np.ndarray,
) -> Story:
    """One story from member positions; prob and meaning are the members' pair matrices."""
    m = len(members)
    if m == 1 and members[0] not in copies:
        return _alone(originals[members[0]])
    score = prob.sum(axis=1) / (m - 1) if m > 1 else np.ones(1)
    alike = (meaning.sum(axis=1) - np.diag(meaning)) / (m - 1) if m > 1 else np.ones(1)
    everyone = [originals[k] for k in members] + [c for k in members for c in copies.get(k, [])]
    day = {a.id: day_of(filed_date(a)) for a in everyone}
    days = [d for d in day.values() if not math.isnan(d)]
    centre = median_low(days) if days else None

    def gap_of(a: Article) -> int | None:
        d = day[a.id]
        return None if centre is None or math.isnan(d) else int(abs(d - centre))

    memberships: list[Membership] = []
    for row, pos in enumerate(members):
        article = originals[pos]
        names = _shared(p, pos, members)
        gap = gap_of(article)
        if m == 1:
            reason = ALONE
        else:
            parts = [f"similar text {alike[row]:.2f}"]
            if names:
                parts.append("shares " + ", ".join(names))
            parts.append(_gap_words(gap))
            reason = f"{', '.join(parts)} (score {score[row]:.2f})"
        memberships.append(Membership(article.id, round(float(score[row]), 4), names, gap, reason))
        for copy in copies.get(pos, []):
            share = copy.duplicate_score if copy.duplicate_score is not None else 1.0
            kind = "exact copy" if share >= 0.999 else f"near-copy ({share:.2f})"
            memberships.append(
                Membership(
                    copy.id, round(float(share), 4), names, gap_of(copy), f"{kind} of {article.id}"
                )
            )
    central = min(range(m), key=lambda r: (-round(float(score[r]), 6), originals[members[r]].id))
    ordered = sorted(everyone, key=lambda a: _date_key(a, day[a.id]))
    dated = [a for a in ordered if not math.isnan(day[a.id])]
    position = {a.id: k for k, a in enumerate(ordered)}
    memberships.sort(key=lambda ms: position[ms.article])
    return Story(
        id=story_id([a.id for a in everyone]),
        title=headline(originals[members[central]]),
        articles=[a.id for a in ordered],
        first_seen=dated[0].published if dated else None,
        last_seen=dated[-1].published if dated else None,
        sources=sorted({a.source for a in everyone if a.source}),
        members=memberships,
    )
