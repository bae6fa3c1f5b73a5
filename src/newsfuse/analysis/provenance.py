"""Which article copies or rewrites which, and so how many independent sources a story has.

Evidence of copying is shared wording outside quotations: a sentence of article A counts as
a shared passage with B when at least half of its word trigrams occur in B. Quoted speech is
blanked first, because two reporters quoting one speaker have copied the speaker, not each
other. A is derived from B when a good part of A's sentences are shared passages and B came
first. "First" is the earlier publication date; when the dates tie or one is unknown, the more
complete article (more sentences) is taken as the source, since copies are trimmed far more
often than padded, and on a near tie the smaller id, so the result is deterministic.

Heavy paraphrase (machine rewrites, translations) shares few trigrams and is not detected:
such articles count as independent unless a wire credit joins them. Syndicated copy carrying
one byline agency ("(AP) —") is one source however many outlets print it. An in-text credit
("KCNA reported") joins nothing here; it makes only the attributed passage share an origin,
which fact counting applies sentence by sentence (see facts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsfuse.analysis.dates import published_at
from newsfuse.analysis.sentences import Sentence, split_sentences, without_quotes, words
from newsfuse.analysis.wire import Credit, agencies, find_credits
from newsfuse.model import Article, ProvenanceLink, Span

PASSAGE_MIN = 0.5  # share of a sentence's word trigrams found in the other article
DERIVED_MIN = 0.3  # share of an article's sentences that must be shared passages
MIN_PASSAGES = 2
MORE_COMPLETE = 1.1  # a source must have this many times the sentences to win a date tie

Gram = tuple[str, str, str]


@dataclass(slots=True)
class _Profile:
    article: Article
    sentences: list[Sentence]
    trigrams: list[set[Gram]]  # per claim sentence, quotes blanked
    all_trigrams: set[Gram]
    credits: list[Credit]


def _trigrams(text: str) -> set[Gram]:
    w = words(without_quotes(text))
    return set(zip(w, w[1:], w[2:], strict=False))


def _profile(article: Article) -> _Profile:
    claims = [s for s in split_sentences(article) if s.is_claim]
    grams = [_trigrams(s.text) for s in claims]
    kept = [(s, g) for s, g in zip(claims, grams, strict=True) if len(g) >= 3]
    return _Profile(
        article=article,
        sentences=[s for s, _ in kept],
        trigrams=[g for _, g in kept],
        all_trigrams=_trigrams(article.text),
        credits=find_credits(article.text),
    )


def _shared(a: _Profile, b: _Profile) -> int:
    """How many of a's sentences are shared passages with b."""
    pool = b.all_trigrams
    return sum(1 for g in a.trigrams if len(g & pool) >= PASSAGE_MIN * len(g))


def _precedes(b: _Profile, a: _Profile) -> tuple[bool, str]:
    """Whether b can be a's source, and why (the time-order evidence)."""
    db, da = published_at(b.article), published_at(a.article)
    if db is not None and da is not None and db != da:
        days = (da - db).days
        when = "later the same day" if days < 1 else f"{days} day{'s' if days > 1 else ''} later"
        return (db < da, f"published {when}" if db < da else "")
    if a.article.duplicate_of == b.article.id:  # dedup already chose b as the original
        return True, "dates tie or unknown; the near-duplicate search names it the original"
    if b.article.duplicate_of == a.article.id:
        return False, ""
    nb, na = len(b.sentences), len(a.sentences)
    if nb >= MORE_COMPLETE * na:
        return True, "dates tie or unknown; the source is the more complete text"
    if na >= MORE_COMPLETE * nb:
        return False, ""
    return b.article.id < a.article.id, "dates tie or unknown; ordered by id"


def _credit_note(profile: _Profile) -> str:
    bylines = agencies([c for c in profile.credits if c.byline])
    passages = agencies([c for c in profile.credits if not c.byline])
    notes = []
    if bylines:
        notes.append("byline credit: " + ", ".join(bylines))
    if passages:
        notes.append("passages credited to " + ", ".join(passages))
    return "; ".join(notes)


def trace_provenance(articles: list[Article]) -> list[ProvenanceLink]:
    """One link per article: the article it most likely copies or rewrites, or None."""
    profiles = [_profile(a) for a in articles]
    links: list[ProvenanceLink] = []
    for a in profiles:
        best: tuple[float, int, _Profile, str] | None = None
        for b in profiles:
            if b is a or not a.sentences:
                continue
            shared = _shared(a, b)
            score = shared / len(a.sentences)
            if shared < MIN_PASSAGES or score < DERIVED_MIN:
                continue
            earlier, why = _precedes(b, a)
            if earlier and (best is None or score > best[0]):
                best = (score, shared, b, why)
        evidence = []
        derived: str | None = None
        score = 0.0
        if best is not None:
            score, shared, source, why = best
            derived = source.article.id
            evidence.append(
                f"shares {shared} of {len(a.sentences)} sentences with {derived}, {why}"
            )
        note = _credit_note(a)
        if note:
            evidence.append(note)
        links.append(
            ProvenanceLink(
                article=a.article.id,
                derived_from=derived,
                score=round(score, 3),
                evidence="; ".join(evidence) or "no shared passages with an earlier article",
                agencies=agencies(a.credits),
            )
        )
    return links


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def independence_groups(articles: list[Article], links: list[ProvenanceLink]) -> list[list[str]]:
    """Articles that are NOT independent of each other, grouped; singletons included.

    Copies and rewrites chain through their links; articles carrying the same byline agency
    are one syndicated source. Passage-level credits do not join articles (see module doc).
    """
    uf = UnionFind()
    for article in articles:
        uf.find(article.id)
        for credit in find_credits(article.text):
            if credit.byline:
                uf.union(article.id, "\0agency:" + credit.agency)
    for link in links:
        if link.derived_from is not None:
            uf.union(link.article, link.derived_from)
    groups: dict[str, list[str]] = {}
    for article in articles:
        groups.setdefault(uf.find(article.id), []).append(article.id)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def group_of(groups: list[list[str]]) -> dict[str, int]:
    """Article id -> index of its independence group."""
    return {aid: i for i, group in enumerate(groups) for aid in group}


def count_independent(
    spans: list[Span], group_index: dict[str, int], passage_credits: dict[str, list[Credit]]
) -> int:
    """Independent origins among evidence spans: one per independence group, except that
    spans crediting the same agency in the passage itself share that agency as origin."""
    uf = UnionFind()
    for n, span in enumerate(spans):
        uf.union(f"s{n}", f"g{group_index.get(span.article, span.article)}")
        for credit in passage_credits.get(span.article, []):
            if span.start <= credit.start < span.end:
                uf.union(f"s{n}", "a:" + credit.agency)
    return len({uf.find(f"s{n}") for n in range(len(spans))})


def passage_credits(articles: list[Article]) -> dict[str, list[Credit]]:
    """Per article, the in-text (non-byline) agency credits."""
    return {a.id: [c for c in find_credits(a.text) if not c.byline] for a in articles}
