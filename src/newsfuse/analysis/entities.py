"""People, organisations and places of a story, each once, under every name the sources use.

spaCy finds the mentions; merging them is the work: "Kim Jong-un", "Mr. Kim" and "Kim" are
one man, "KCNA" is the "Korean Central News Agency", and "the Russian President" is Putin in a
story that once wrote "Russian President Vladimir Putin". A short name joins a full name only
when exactly one full name in the story (or, failing that, in its own article) contains it,
so two Kims stay two people.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from newsfuse.analysis.entity_merge import Cluster, Mention, merge
from newsfuse.analysis.entity_names import clean_surface, has_title, name_key
from newsfuse.analysis.entity_nlp import process
from newsfuse.analysis.entity_roles import find_roles, role_mentions
from newsfuse.model import Article, Entity

TYPES = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
_TITLE_BEFORE = re.compile(
    r"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|President|Premier|Chancellor|Senator|Sen|"
    r"Rep|Gov|Gen|King|Queen|Prince|Princess|Pope)\.?\s+$"
)
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")


def _plausible(surface: str) -> bool:
    words = surface.split()
    return (
        len(surface) >= 2
        and 0 < len(words) <= 8
        and any(c.isupper() for c in surface)
        and not surface.replace(" ", "").isdigit()
    )


def _with_title(text: str, start: int) -> int:
    """Widen a person mention to the honorific spaCy leaves out ("Mr." + "Kim")."""
    m = _TITLE_BEFORE.search(text, max(0, start - 16), start)
    return m.start() if m else start


def _ner_mentions(articles: list[Article]) -> list[Mention]:
    found: list[Mention] = []
    for index, (article, segments) in enumerate(
        zip(articles, process([a.text for a in articles]), strict=True)
    ):
        text = article.text
        for para in segments:
            for ent in para.doc.ents:
                if ent.label_ not in TYPES:
                    continue
                start, end = para.start + ent.start_char, para.start + ent.end_char
                person = ent.label_ == "PERSON"
                if person:
                    start = _with_title(text, start)
                surface = clean_surface(_ARTICLE.sub("", text[start:end]))
                key = name_key(surface, person)
                if _plausible(surface) and key:
                    found.append(Mention(index, start, end, surface, ent.label_, key))
    return found


@dataclass(slots=True)
class _Tally:
    forms: Counter[str]
    labels: Counter[str]
    articles: set[int]
    mentions: int = 0


def _canonical(cluster: Cluster, forms: Counter[str]) -> str:
    """The most complete name that is also used often enough to be the common form."""
    by_key: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for mention in cluster.mentions:
        if mention.label != "ROLE":
            by_key[mention.key][mention.surface] += 1
    if not by_key:
        return forms.most_common(1)[0][0]
    top = max(sum(c.values()) for c in by_key.values())
    frequent = {k: c for k, c in by_key.items() if sum(c.values()) >= top / 5}
    best = max(frequent, key=lambda k: (len(k), sum(frequent[k].values())))
    candidates = frequent[best]
    plain = [f for f in candidates if name_key(f, person=False) == best] or list(candidates)
    return max(plain, key=lambda f: (candidates[f], -plain.index(f)))


def extract_entities(articles: list[Article]) -> list[Entity]:
    """Story entities with merged aliases, most widely reported first."""
    if not articles:
        return []
    texts = [a.text for a in articles]
    mentions = _ner_mentions(articles)
    clusters = merge(texts, mentions)
    persons = [  # where the name proper starts: a role ends right before it
        (m.article, m.start + (len(m.surface.split()[0]) + 1 if has_title(m.surface) else 0), cid)
        for cid, cluster in enumerate(clusters)
        if cluster.label == "PERSON"
        for m in cluster.mentions
    ]
    for rm in role_mentions(texts, find_roles(texts, persons)):
        clusters[rm.owner].mentions.append(
            Mention(rm.article, rm.start, rm.end, rm.text, "ROLE", ())
        )
    entities: list[Entity] = []
    for cluster in clusters:
        if not cluster.mentions:
            continue
        forms = Counter(m.surface for m in cluster.mentions)
        seen = sorted({m.article for m in cluster.mentions})
        name = _canonical(cluster, forms)
        aliases = [name] + [f for f, _ in forms.most_common() if f != name]
        entities.append(
            Entity(
                name=name,
                type=cluster.label,
                aliases=aliases,
                articles=[articles[i].id for i in seen],
                mentions=len(cluster.mentions),
            )
        )
    entities.sort(key=lambda e: (-len(e.articles), -e.mentions, e.name))
    return entities


def entity_index(entities: list[Entity]) -> dict[str, str]:
    """Lower-cased alias -> canonical name; an alias two entities share goes to the larger."""
    index: dict[str, str] = {}
    for entity in entities:  # already ordered by importance
        for alias in (entity.name, *entity.aliases):
            index.setdefault(alias.lower(), entity.name)
    return index
