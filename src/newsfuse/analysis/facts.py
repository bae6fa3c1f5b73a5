"""Facts: the claims of a story's articles, aligned across sources by meaning.

The unit is the clause (sentences.clauses): long news sentences pack several facts, and a
clause finds its counterpart in another source where the whole sentence would not. Every unit
is embedded; pairs whose cosine clears the model's floor are scored by the fixed same-fact
model (samefact.py, fitted on MSRP). Groups grow by average linkage over P(same fact), pairs
below the floor counting as 0, so one loose pair cannot chain two different facts together
the way connected components would. Clauses of one sentence that match nothing elsewhere are
shown together as one single-source fact. Venues that several articles name ("the meeting
at the Vostochny Cosmodrome") are added as facts of their own (venues.py).

Support is counted in independent sources, not articles: supporters in one independence
group (copies, rewrites, one byline agency) count once, and so do supporting passages that
credit the same agency themselves ("KCNA reported that ..."), because outlets relaying one
agency report have one origin for that claim (provenance.py explains why this is applied per
passage, not per article).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from newsfuse.analysis.dates import published_at
from newsfuse.analysis.provenance import (
    count_independent,
    group_of,
    independence_groups,
    passage_credits,
)
from newsfuse.analysis.samefact import (
    SameFactModel,
    is_same_fact,
    model_for,
    same_fact_probability,
)
from newsfuse.analysis.sentences import Sentence, clauses, split_sentences
from newsfuse.analysis.similarity import Profile, pair_features
from newsfuse.analysis.venues import describe, find_venues, group_venues
from newsfuse.embed import Encoder
from newsfuse.model import Article, Fact, ProvenanceLink, Span

__all__ = ["align_facts", "group_sentences", "is_same_fact", "same_fact_probability"]


def _pair_probabilities(
    sentences: list[Sentence], vectors: np.ndarray, model: SameFactModel
) -> dict[tuple[int, int], float]:
    """P(same fact) for every pair above the model's cosine floor (i < j)."""
    if len(sentences) < 2:
        return {}
    cos = vectors @ vectors.T
    rows, cols = np.nonzero(np.triu(cos >= model.floor, k=1))
    if not len(rows):
        return {}
    profiles: dict[int, Profile] = {}

    def profile(i: int) -> Profile:
        if i not in profiles:
            profiles[i] = Profile.of(sentences[i].text)
        return profiles[i]

    features = np.asarray(
        [
            pair_features(profile(int(i)), profile(int(j)), float(cos[i, j]))
            for i, j in zip(rows, cols, strict=True)
        ]
    )
    probs = model.probability(features)
    return {(int(i), int(j)): float(p) for i, j, p in zip(rows, cols, probs, strict=True)}


def group_sentences(
    sentences: list[Sentence], probs: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-linkage groups of sentences stating the same fact; singletons included."""
    cluster_of = list(range(len(sentences)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(sentences))}
    for (i, j), p in sorted(probs.items(), key=lambda kv: -kv[1]):
        if p < threshold:
            break
        a, b = cluster_of[i], cluster_of[j]
        if a == b:
            continue
        total = sum(probs.get((min(x, y), max(x, y)), 0.0) for x in members[a] for y in members[b])
        if total / (len(members[a]) * len(members[b])) < threshold:
            continue
        keep, gone = min(a, b), max(a, b)
        for x in members[gone]:
            cluster_of[x] = keep
        members[keep].extend(members.pop(gone))
    groups = [sorted(m) for m in members.values()]
    return sorted(groups, key=lambda g: g[0])


def _representative(
    group: list[int], sentences: list[Sentence], probs: dict[tuple[int, int], float]
) -> int:
    """The member closest in meaning to all others, preferring ones that read as sentences."""

    def closeness(i: int) -> float:
        return sum(probs.get((min(i, j), max(i, j)), 0.0) for j in group if j != i)

    def readable(i: int) -> bool:
        return sentences[i].text[:1].isupper()

    return max(group, key=lambda i: (readable(i), closeness(i), -i))


def _unaligned_runs(units: list[Sentence], groups: list[list[int]]) -> list[list[int]]:
    """Consecutive clauses of one sentence that matched nothing elsewhere, to be shown as one
    fact: splitting only helps where a clause finds a counterpart."""
    alone = {g[0] for g in groups if len(g) == 1}
    runs: list[list[int]] = []
    for i in sorted(alone):
        prev = runs[-1][-1] if runs else -2
        same_sentence = prev == i - 1 and (units[prev].article, units[prev].index) == (
            units[i].article,
            units[i].index,
        )
        if same_sentence:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def claim_units(articles: list[Article]) -> list[Sentence]:
    """The clauses of every claim sentence: the units facts are aligned on."""
    return [c for a in articles for s in split_sentences(a) if s.is_claim for c in clauses(s)]


def align_facts(
    articles: list[Article], provenance: list[ProvenanceLink], encoder: Encoder
) -> list[Fact]:
    """Facts with their supporting articles and independent-source counts, best supported
    first: aligned clauses, plus the venues of events that several articles name."""
    units = claim_units(articles)
    model = model_for(encoder.name)
    probs = _pair_probabilities(units, encoder.encode([u.text for u in units]), model)
    group_index = group_of(independence_groups(articles, provenance))
    credits = passage_credits(articles)
    order = {a.id: i for i, a in enumerate(articles)}
    when = {a.id: published_at(a) or datetime.max for a in articles}

    def make(text: str, spans: list[Span]) -> Fact:
        spans = sorted(spans, key=lambda s: (when[s.article], order[s.article], s.start))
        supporters = list(dict.fromkeys(s.article for s in spans))
        return Fact(
            text=text,
            articles=supporters,
            independent_sources=count_independent(spans, group_index, credits),
            spans=spans,
            earliest=supporters[0],
        )

    ranked: list[tuple[tuple[int, int, int, int], Fact]] = []
    groups = group_sentences(units, probs, model.threshold)
    for group in groups:
        if len(group) > 1:
            rep = units[_representative(group, units, probs)]
            fact = make(rep.text, [units[i].span() for i in group])
            ranked.append(((-fact.independent_sources, -len(fact.articles), 1, group[0]), fact))
    texts = {a.id: a.text for a in articles}
    for run in _unaligned_runs(units, groups):
        first, last = units[run[0]], units[run[-1]]
        span = Span(
            first.article, first.start, last.end, texts[first.article][first.start : last.end]
        )
        ranked.append(((-1, -1, 1, run[0]), make(span.text, [span])))
    mentions = [m for a in articles for m in find_venues(a)]
    for n, members in enumerate(group_venues(mentions)):
        if len({m.span.article for m in members}) >= 2:
            fact = make(describe(members), [m.span for m in members])
            ranked.append(((-fact.independent_sources, -len(fact.articles), 0, n), fact))
    ranked.sort(key=lambda kv: kv[0])
    return [f for _, f in ranked]
