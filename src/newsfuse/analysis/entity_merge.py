"""Merging entity mentions into clusters: one cluster per real-world person, body or place.

Steps, each conservative: equal name keys meet; an acronym meets its expansion when the text
spells it out ("KCNA (Korean Central News Agency)") or the initials agree; a partial person
name meets the unique full name containing it; finally every unambiguous alias is looked for
again in all texts, because the small NER model misses repeated names now and then.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from newsfuse.analysis.entity_names import (
    acronym,
    has_title,
    initials,
    is_subsequence,
    name_key,
)

_RANK = {t: i for i, t in enumerate(("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"))}
_WORD = r"[A-Z][\w’'-]*"
_LINK = r"(?:of|the|and|for|&|de)"
_PAREN_AFTER = re.compile(
    rf"((?:{_WORD}\s+(?:{_LINK}\s+)*){{1,8}})\(\s*([A-Z][A-Za-z.&]{{1,8}})\s*\)"
)
_PAREN_BEFORE = re.compile(
    rf"\b([A-Z][A-Z.&]{{1,8}})\s+\(\s*({_WORD}(?:\s+(?:{_WORD}|{_LINK})){{1,8}})\s*\)"
)

GroupId = tuple[bool, tuple[str, ...]]  # (person?, name key)


@dataclass(slots=True)
class Mention:
    article: int  # index into the story's articles
    start: int
    end: int
    surface: str
    label: str  # spaCy label; "ROLE" for a resolved role description
    key: tuple[str, ...]


@dataclass(slots=True)
class Cluster:
    label: str
    mentions: list[Mention] = field(default_factory=list)


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[GroupId, GroupId] = {}

    def find(self, x: GroupId) -> GroupId:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: GroupId, b: GroupId) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _gid(m: Mention) -> GroupId:
    return (m.label == "PERSON", m.key)


def _explicit_acronyms(
    texts: list[str], label_of: dict[tuple[str, ...], str]
) -> tuple[list[Mention], list[tuple[GroupId, GroupId]]]:
    """Mentions of both halves of "Long Name (ABBR)" and "ABBR (Long Name)", and the pairs."""
    found: list[Mention] = []
    pairs_found: list[tuple[GroupId, GroupId]] = []
    for art, text in enumerate(texts):
        spots = []
        for m in _PAREN_AFTER.finditer(text):
            spots.append((m.start(2), m.end(2), m.start(1), m.group(1).rstrip()))
        for m in _PAREN_BEFORE.finditer(text):
            spots.append((m.start(1), m.end(1), m.start(2), m.group(2)))
        for a_start, a_end, e_start, phrase in spots:
            letters = acronym(text[a_start:a_end])
            if not letters:
                continue
            words = phrase.split()
            for i in range(len(words)):  # the shortest tail whose initials spell the acronym
                key = name_key(" ".join(words[i:]), person=False)
                if initials(key) == letters and words[i][:1].isupper():
                    start = e_start + len(" ".join(words[:i])) + (1 if i else 0)
                    surface = " ".join(words[i:])
                    label = label_of.get(key) or label_of.get((letters.lower(),)) or "ORG"
                    exp_key = name_key(surface, False)
                    acr_key = name_key(text[a_start:a_end], False)
                    found.append(Mention(art, start, start + len(surface), surface, label, exp_key))
                    found.append(Mention(art, a_start, a_end, text[a_start:a_end], label, acr_key))
                    pairs_found.append((_gid(found[-2]), _gid(found[-1])))
                    break
    return found, pairs_found


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in mentions:
        if (m.article, m.start) not in seen:
            seen.add((m.article, m.start))
            out.append(m)
    return out


_CAPS = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,6}|(?<![\w.])[A-Z]{2,6}(?![\w’'])")


def _link_acronyms(texts: list[str], groups: dict[GroupId, list[Mention]], uf: _UnionFind) -> None:
    """Acronyms meet the one multi-word name with their initials, even where NER missed them."""
    expansions: dict[str, set[GroupId]] = defaultdict(set)
    for gid in groups:
        if not gid[0] and len(gid[1]) >= 2:
            expansions[initials(gid[1])].add(gid)
    known = {(m.article, m.start) for ms in groups.values() for m in ms}
    for art, text in enumerate(texts):
        for hit in _CAPS.finditer(text):
            letters = acronym(hit.group())
            if not letters or (art, hit.start()) in known or len(expansions.get(letters, ())) != 1:
                continue
            label = groups[next(iter(expansions[letters]))][0].label
            key = name_key(hit.group(), False)
            mention = Mention(art, hit.start(), hit.end(), hit.group(), label, key)
            groups.setdefault((False, key), []).append(mention)
            uf.find((False, key))
    for gid, ms in groups.items():
        letters = next((a for m in ms if (a := acronym(m.surface))), None)
        if gid[0] or not letters:
            continue
        roots = {uf.find(g) for g in expansions.get(letters, ())}
        if len(roots) == 1:
            uf.union(next(iter(roots)), gid)


def _link_same_key(groups: dict[GroupId, list[Mention]], uf: _UnionFind) -> None:
    """A name labelled PERSON here and GPE there is one thing when the label is noise.

    Multi-word names are distinctive enough to merge whatever the labels; a single word
    ("Jordan") merges only when one label clearly wins.
    """
    for (person, key), ms in groups.items():
        other = groups.get((not person, key))
        if not person or other is None:
            continue
        if len(key) > 1 or len(ms) >= 2 * len(other) or len(other) >= 2 * len(ms):
            uf.union((person, key), (not person, key))


def _link_stray_surnames(groups: dict[GroupId, list[Mention]], uf: _UnionFind) -> None:
    """A rare non-person name that is part of exactly one person's name is that person.

    The small NER model tags unfamiliar surnames as places now and then ("Hedlund said"); a
    real place of the same name would be mentioned more often than its namesake.
    """
    people = [g for g in groups if g[0] and len(g[1]) > 1]
    for gid, ms in groups.items():
        if gid[0] or len(gid[1]) > 1:
            continue
        owners = {uf.find(p) for p in people if is_subsequence(gid[1], p[1])}
        if len(owners) != 1:
            continue
        owner = next(iter(owners))
        owned = sum(len(groups[g]) for g in groups if uf.find(g) == owner)
        if len(ms) <= 2 and len(ms) < owned:
            uf.union(owner, gid)


def _link_partial_names(
    groups: dict[GroupId, list[Mention]], uf: _UnionFind
) -> dict[tuple[GroupId, int], GroupId]:
    """Join short person names to the one full name containing them; per article if need be."""
    people = sorted((g for g in groups if g[0]), key=lambda g: -len(g[1]))
    overrides: dict[tuple[GroupId, int], GroupId] = {}
    for gid in people:
        longer = [h for h in people if is_subsequence(gid[1], h[1])]
        if not longer:
            continue
        roots = {uf.find(h) for h in longer}
        if len(roots) == 1:
            uf.union(next(iter(roots)), gid)
            continue
        for art in {m.article for m in groups[gid]}:
            local = {uf.find(h) for h in longer if any(m.article == art for m in groups[h])}
            if len(local) == 1:
                overrides[(gid, art)] = next(iter(local))
    return overrides


def _sweep(texts: list[str], clusters: dict[GroupId, Cluster], skip: set[GroupId]) -> None:
    """Count the mentions NER missed: every unambiguous alias, found again in every text."""
    owner: dict[str, GroupId | None] = {}
    for root, cluster in clusters.items():
        for m in cluster.mentions:
            if _gid(m) in skip or len(m.surface) < 2:
                continue
            surfaces = {m.surface}
            if m.label == "PERSON" and has_title(m.surface):
                surfaces.add(m.surface.split(maxsplit=1)[1])  # "Mrs. Okafor" -> "Okafor"
            for form in surfaces:
                prev = owner.get(form, root)
                owner[form] = root if prev == root else None
    forms = sorted((f for f, r in owner.items() if r is not None), key=len, reverse=True)
    if not forms:
        return
    pattern = re.compile(r"(?<![\w’'-])(?:" + "|".join(map(re.escape, forms)) + r")(?![\w-])")
    for art, text in enumerate(texts):
        covered = bytearray(len(text) + 1)
        for cluster in clusters.values():
            for m in cluster.mentions:
                if m.article == art:
                    covered[m.start : m.end] = b"\x01" * (m.end - m.start)
        for hit in pattern.finditer(text):
            if any(covered[hit.start() : hit.end()]) or _inside_longer_name(text, hit):
                continue
            owned = owner[hit.group()]
            if owned is None:
                continue
            root = owned
            cluster = clusters[root]
            cluster.mentions.append(
                Mention(
                    art,
                    hit.start(),
                    hit.end(),
                    hit.group(),
                    cluster.label,
                    name_key(hit.group(), cluster.label == "PERSON"),
                )
            )


def _inside_longer_name(text: str, hit: re.Match[str]) -> bool:
    """ "Korea" in "South Korea", "Kim" in "Kim Yo Jong": part of a name NER did not see."""
    if " " in hit.group():
        return False
    after = re.match(r"[ -]([A-Z][a-z])", text[hit.end() : hit.end() + 3])
    before = re.search(
        r"(?:^|[^.!?\n“\"]\s)[A-Z][\w’'-]*[ -]$", text[max(0, hit.start() - 30) : hit.start()]
    )
    return after is not None or before is not None


def merge(texts: list[str], mentions: list[Mention]) -> list[Cluster]:
    """Cluster the mentions of a story; clusters come back in no particular order."""
    label_of: dict[tuple[str, ...], str] = {}
    for m in mentions:
        label_of.setdefault(m.key, m.label)
    extra, pairs = _explicit_acronyms(texts, label_of)
    mentions = _dedupe(mentions + extra)
    groups: dict[GroupId, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[_gid(m)].append(m)
    uf = _UnionFind()
    for gid in groups:
        uf.find(gid)
    for pair in pairs:  # the text says they are one; that beats any initials rule
        uf.union(*pair)
    _link_same_key(groups, uf)
    _link_acronyms(texts, groups, uf)
    overrides = _link_partial_names(groups, uf)
    _link_stray_surnames(groups, uf)
    clusters: dict[GroupId, Cluster] = {}
    for gid, ms in groups.items():
        for m in ms:
            root = uf.find(overrides.get((gid, m.article), gid))
            clusters.setdefault(root, Cluster("")).mentions.append(m)
    for cluster in clusters.values():
        labels = Counter(m.label for m in cluster.mentions)
        cluster.label = min(labels, key=lambda lab: (-labels[lab], _RANK.get(lab, 99)))
    ambiguous = {gid for gid, _ in overrides}
    _sweep(texts, clusters, ambiguous)
    return list(clusters.values())
