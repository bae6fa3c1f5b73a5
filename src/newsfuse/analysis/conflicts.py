"""Where sources disagree about the same thing: figures and quote wordings.

Precision first. A figure is compared only with figures that measure the same thing: a
duration of one of the story-wide event classes (the talks, the handshake...) with every other
duration of that class; any other figure only with figures of its kind and head (the counted
noun, the currency) in sentences that state the same fact (one fact group), and only when the
sentence holds no second figure of that kind to confuse it with. Hedged figures are ranges
("about four hours" is 3.6-4.4 h, "over four hours" 4-5.2 h, plain figures +-5%); reports
conflict only when the ranges fall into separate clusters, and the conflict then lists every
report of that figure, both sides, with its source and exact offsets.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict

from rapidfuzz import fuzz

from newsfuse.analysis.quantities import STORY_WIDE, Quantity, find_quantities
from newsfuse.analysis.sentences import Sentence, clauses, split_sentences, words
from newsfuse.model import Article, Claim, Conflict, Fact, Quote

_STOP = frozenset(
    re.findall(
        r"\w+",
        "the a an of to in on at by for with from as and or but is was were be been are has have "
        "had that this it its we our i you he she they them their his her us not s t",
    )
)
SAME_STATEMENT = 0.5  # share of words two quote variants need to be one statement reworded


class _Figure:
    __slots__ = ("article", "fact", "quantity", "sentence")

    def __init__(self, quantity: Quantity, sentence: Sentence, fact: int | None) -> None:
        self.quantity = quantity
        self.sentence = sentence
        self.article = sentence.article
        self.fact = fact

    def claim(self) -> Claim:
        q, s = self.quantity, self.sentence
        return Claim(
            text=q.text,
            article=self.article,
            sentence=s.text,
            start=s.start + q.start,
            end=s.start + q.end,
            value=q.shown(),
        )


def _figures(articles: list[Article], facts: list[Fact]) -> list[_Figure]:
    fact_at: dict[tuple[str, int], int] = {}
    for n, fact in enumerate(facts):
        for span in fact.spans:
            fact_at.setdefault((span.article, span.start), n)
    found = []
    for article in articles:
        for sentence in split_sentences(article):
            if not sentence.is_claim:
                continue
            parts = clauses(sentence)
            bounds = [(c.start - sentence.start, c.end - sentence.start) for c in parts]
            quantities = find_quantities(sentence.text, bounds)
            kinds = Counter(_slot(q) for q in quantities)
            for q in quantities:
                at = sentence.start + q.start
                clause = next((c for c in parts if c.start <= at < c.end), sentence)
                group = fact_at.get((article.id, clause.start))
                if kinds[_slot(q)] > 1 and not (q.kind == "duration" and q.head in STORY_WIDE):
                    group = None  # "two touchdowns ... four touchdowns": which is which is unclear
                found.append(_Figure(q, sentence, group))
    return found


def _slot(q: Quantity) -> tuple[str, str]:
    """What must be unique in a sentence for its figure to be matched with another source's."""
    return (q.kind, q.head if q.kind == "count" else "")


def _split_by_range(figures: list[_Figure]) -> list[list[_Figure]]:
    """Clusters of mutually reachable overlapping ranges, lowest first."""
    ordered = sorted(figures, key=lambda f: f.quantity.low)
    clusters: list[list[_Figure]] = []
    high = -1.0
    for f in ordered:
        if clusters and f.quantity.low <= high * 1.000001:
            clusters[-1].append(f)
            high = max(high, f.quantity.high)
        else:
            clusters.append([f])
            high = f.quantity.high
    return clusters


def _topic(figure: _Figure) -> str:
    q = figure.quantity
    if q.kind == "duration":
        return f"duration of the {q.head}" if q.head else "duration"
    if q.kind == "count":
        return f"number of {q.head}"
    if q.kind == "money":
        return f"amount ({q.head})"
    return "percentage"


def _comparable_groups(figures: list[_Figure]) -> list[list[_Figure]]:
    """Figures measuring one thing: durations of one event class across the story; any
    other figure only with figures of its kind and head in sentences stating the same fact."""
    groups: dict[tuple[object, ...], list[_Figure]] = defaultdict(list)
    for f in figures:
        q = f.quantity
        if q.kind == "duration" and q.head in STORY_WIDE:
            groups[("class", q.head)].append(f)
        elif f.fact is not None:
            groups[("fact", f.fact, q.kind, q.head)].append(f)
    return [g for g in groups.values() if len({f.article for f in g}) > 1]


def figure_conflicts(articles: list[Article], facts: list[Fact]) -> list[Conflict]:
    conflicts = []
    for group in _comparable_groups(_figures(articles, facts)):
        clusters = _split_by_range(group)
        if len(clusters) < 2 or len({f.article for f in group}) < 2:
            continue
        sides = [{f.article for f in c} for c in clusters]
        if all(s == sides[0] and len(s) == 1 for s in sides):
            continue  # one article's own figures: not a disagreement between sources
        seen: set[tuple[str, str]] = set()
        claims = []
        for cluster in sorted(clusters, key=len, reverse=True):
            for f in cluster:
                key = (f.article, f.quantity.shown())
                if key not in seen:
                    seen.add(key)
                    claims.append(f.claim())
        conflicts.append(
            Conflict(kind=group[0].quantity.kind, topic=_topic(group[0]), claims=claims)
        )
    return conflicts


def _same_wording(a: list[str], b: list[str]) -> bool:
    """Equal words, or one an excerpt of the other: trimming a quote is not rewording it."""
    short, long_ = sorted((a, b), key=len)
    return " " + " ".join(short) + " " in " " + " ".join(long_) + " "


def _content(tokens: list[str]) -> set[str]:
    return {
        t
        for w in tokens
        for t in w.split("-")
        if t not in _STOP and not any(c.isdigit() for c in t)
    }


def _reworded(a: list[str], b: list[str]) -> bool:
    """Each wording has a content word the other lacks (spelling variants aside): a changed
    word, not a trimmed, spelled-out or punctuated copy."""
    only_a, only_b = _content(a) - _content(b), _content(b) - _content(a)
    only_a = {w for w in only_a if not any(fuzz.ratio(w, v) >= 80 for v in only_b)}
    only_b = {w for w in only_b if not any(fuzz.ratio(w, v) >= 80 for v in _content(a))}
    return bool(only_a) and bool(only_b)


def _same_statement(a: list[str], b: list[str]) -> bool:
    """Two wordings of one statement, not two statements of one speaker: most content words
    of the shorter are in the longer."""
    ca, cb = _content(a), _content(b)
    return len(ca & cb) >= SAME_STATEMENT * max(1, min(len(ca), len(cb)))


def quote_conflicts(articles: list[Article], quotes: list[Quote]) -> list[Conflict]:
    """One statement that sources quote directly in different words.

    A Quote groups what one speaker said on a point, possibly several sentences and split
    parts, so its direct variants are first joined into statements (most content words
    shared); a statement whose variants from different articles are reworded (see
    `_reworded`) is a conflict listing every variant of it.
    """
    by_id = {a.id: a for a in articles}
    conflicts = []
    for quote in quotes:
        direct = [
            v for v in quote.variants if v.direct and v.article in by_id and len(words(v.text)) >= 4
        ]
        if len({v.article for v in direct}) < 2:
            continue
        tokens = [words(v.text) for v in direct]
        parent = list(range(len(direct)))
        reworded: set[tuple[int, int]] = set()
        for i, j in itertools.combinations(range(len(direct)), 2):
            if _same_wording(tokens[i], tokens[j]) or _same_statement(tokens[i], tokens[j]):
                parent[_root(parent, j)] = _root(parent, i)
                if direct[i].article != direct[j].article and _reworded(tokens[i], tokens[j]):
                    reworded.add((i, j))
        for root in sorted({_root(parent, i) for i, _ in reworded}):
            members = [k for k in range(len(direct)) if _root(parent, k) == root]
            wordings: list[list[str]] = []
            claims = []
            for k in members:
                v = direct[k]
                n = next((n for n, w in enumerate(wordings) if not _reworded(tokens[k], w)), None)
                if n is None:
                    wordings.append(tokens[k])
                    n = len(wordings) - 1
                sentence = next(
                    (
                        s.text
                        for s in split_sentences(by_id[v.article])
                        if s.start <= v.start < s.end
                    ),
                    "",
                )
                claims.append(
                    Claim(v.text, v.article, sentence, v.start, v.end, f"wording {n + 1}")
                )
            who = f"{quote.speaker}'s" if quote.speaker else "a"
            conflicts.append(Conflict(kind="quote", topic=f"wording of {who} quote", claims=claims))
    return conflicts


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def find_conflicts(
    articles: list[Article], facts: list[Fact], quotes: list[Quote] | None = None
) -> list[Conflict]:
    """Disagreements between sources: figures first, then quote wordings (dates of events
    come from the timeline: timeline.date_conflicts)."""
    return figure_conflicts(articles, facts) + quote_conflicts(articles, quotes or [])
