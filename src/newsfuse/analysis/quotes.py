"""Who said what in a story, each statement once with every source's wording of it.

Mentions come from quote_finder (direct quotes in any quotation style, split quotes, reported
speech), speakers are mapped onto the story's entities ("Mr. Kim", "he" -> Kim Jong Un), and
quote_groups puts the wordings of one statement together: translations, paraphrases and
trimmed copies of the same quote across sources.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from newsfuse.analysis.entities import entity_index
from newsfuse.analysis.entity_names import is_subsequence, name_key
from newsfuse.analysis.entity_nlp import process
from newsfuse.analysis.quote_finder import QuoteMention, find_mentions
from newsfuse.analysis.quote_groups import Item, group
from newsfuse.embed import Encoder, get_encoder
from newsfuse.model import Article, Entity, Quote, QuoteVariant


class SpeakerResolver:
    """Maps a source phrase or name onto a story entity's canonical name."""

    def __init__(self, entities: list[Entity]) -> None:
        self.index = entity_index(entities)
        self.keys: dict[tuple[str, ...], str | None] = {}
        self.people: list[tuple[tuple[str, ...], str]] = []
        for entity in entities:
            person = entity.type == "PERSON"
            for alias in (entity.name, *entity.aliases):
                key = name_key(alias, person)
                if key and self.keys.setdefault(key, entity.name) != entity.name:
                    self.keys[key] = None  # two entities share it: ambiguous
            if person:
                self.people.append((name_key(entity.name, True), entity.name))

    def resolve(self, surface: str | None) -> str | None:
        if not surface:
            return None
        found = self.index.get(surface.lower())
        if found:
            return found
        key = name_key(surface, person=True)
        if not key:
            return None
        found = self.keys.get(key) or self.keys.get(name_key(surface, person=False))
        if found:
            return found
        containing = {name for full, name in self.people if is_subsequence(key, full)}
        return containing.pop() if len(containing) == 1 else None

    def speaker(self, mention: QuoteMention) -> tuple[str | None, str | None]:
        """(canonical entity name or None, what to show when no entity matches)."""
        source = mention.source
        if source is None:
            return None, None
        for surface in (source.name, None if source.pronoun else source.text):
            resolved = self.resolve(surface)
            if resolved:
                return resolved, resolved
        raw = source.name or (None if source.pronoun else source.text)
        return None, raw


@dataclass(slots=True)
class _Statement:
    """One article's report of a statement: one mention, or the parts of a split quote."""

    article: int
    parts: list[QuoteMention]
    entity: str | None
    shown: str | None

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def direct(self) -> bool:
        return self.parts[0].direct


def _statements(
    index: int, mentions: list[QuoteMention], resolver: SpeakerResolver
) -> list[_Statement]:
    """Quotes sharing one cue (“A,” he said. “B.”) are the parts of one statement."""
    by_cue: dict[tuple[int, bool], _Statement] = {}
    out: list[_Statement] = []
    for mention in mentions:
        key = (mention.cue_start, mention.direct)
        if mention.cue_start >= 0 and mention.direct and key in by_cue:
            by_cue[key].parts.append(mention)
            continue
        entity, shown = resolver.speaker(mention)
        statement = _Statement(index, [mention], entity, shown)
        by_cue[key] = statement
        out.append(statement)
    return out


def _representative(members: list[int], found: list[_Statement], sim: np.ndarray) -> int:
    """The wording closest to all others (a quoted one if any), longest on ties.

    Identical wordings are similar 1.0 to each other, so the most repeated one wins too.
    """
    direct = [i for i in members if found[i].direct] or members
    return max(
        direct,
        key=lambda i: (float(sim[i, members].sum() - sim[i, i]), len(found[i].text)),
    )


def extract_quotes(
    articles: list[Article], entities: list[Entity], encoder: Encoder | None = None
) -> list[Quote]:
    """Statements of the story, most widely reported first; see the module docstring.

    Every variant's text is exactly article.text[start:end]; a quote split by its attribution
    gives one variant per part, and the Quote's text joins the parts. `encoder` defaults to
    MiniLM; the model2vec encoder groups nearly as well at a fraction of the cost.
    """
    if not articles:
        return []
    resolver = SpeakerResolver(entities)
    found: list[_Statement] = []
    segments = process([a.text for a in articles])
    people = frozenset(
        alias
        for e in entities
        if e.type == "PERSON"
        for alias in e.aliases
        if len(alias) > 2 and alias[:1].isupper()
    )
    for index, (article, parts) in enumerate(zip(articles, segments, strict=True)):
        found.extend(_statements(index, find_mentions(article.text, parts, people), resolver))
    if not found:
        return []
    items = [Item(f.article, f.text, f.entity or f.shown) for f in found]
    clusters, sim = group(items, encoder or get_encoder("minilm"))
    quotes: list[tuple[tuple[int, int, int], Quote]] = []
    for members in clusters:
        members.sort(key=lambda i: (found[i].article, found[i].parts[0].start))
        best = _representative(members, found, sim)
        speakers = Counter(found[i].entity or found[i].shown for i in members)
        speakers.pop(None, None)
        speaker = speakers.most_common(1)[0][0] if speakers else None
        variants = [
            QuoteVariant(
                text=part.text,
                article=articles[found[i].article].id,
                start=part.start,
                end=part.end,
                cue=part.cue,
                direct=part.direct,
            )
            for i in members
            for part in found[i].parts
        ]
        spread = len({v.article for v in variants})
        first = found[members[0]]
        order = (-spread, first.article, first.parts[0].start)
        quotes.append((order, Quote(speaker, found[best].text, variants)))
    quotes.sort(key=lambda pair: pair[0])
    return [q for _, q in quotes]
