"""A short cited summary of one story, picked from the sentences its sources wrote.

Extractive on purpose: every sentence of the summary is a sentence some outlet printed, so
each can be checked against its article. A sentence is worth picking when it states what
many independent sources report (the analysis's facts, where the story has been analysed:
copies and wire rewrites count once) and is central to the story (close to what the other
articles say); maximal marginal relevance then keeps the picks from repeating each other,
and a word budget keeps the summary to a short paragraph. Each pick cites its own article
plus every member article with a sentence of the same meaning, so a fact three outlets
report cites all three.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

from newsfuse.analysis.vectors import shared_encoder
from newsfuse.brief.candidates import Candidate, candidates, numbers
from newsfuse.model import Article, Story, SummarySentence
from newsfuse.settings import Settings

# Cosine at which two sentences say the same thing. Calibrated on the MSRP train pairs
# (news sentences from one event cluster): ~0.80 precision for both encoders, whose
# similarity scales differ. Citing an article that does not say it is worse than missing one.
SAME_MEANING = {"minilm": 0.75, "model2vec": 0.83}
NEAR_IDENTICAL = 90.0  # rapidfuzz ratio: the same sentence give or take an edit
# Below this cosine to what the other articles say, a sentence is about something else: the
# 85th percentile of cosines between unrelated news sentences (random MSRP pairs). MiniLM
# separates teasers well (~0.0-0.1 against ~0.2-0.8 on topic); model2vec's scale is
# compressed, so only the plainest teasers fall below its floor.
OFF_TOPIC_FLOOR = {"minilm": 0.15, "model2vec": 0.41}
LEXICAL_WEIGHT = 0.3  # bonus for a sentence worded as every other source words the story
SUPPORT_WEIGHT = 0.3  # bonus for a sentence every independent article reports
LEAD_WEIGHT = 0.05  # news puts the essentials first; a small tie-breaker, not a rule
MMR_LAMBDA = 0.7  # relevance vs novelty
SAME_ARTICLE_PENALTY = 0.02  # prefer a new voice when two picks are otherwise equal
MAX_POOL = 3000  # sentences per story: bounds time and the pairwise matrices (~10 MB each)
MIN_PER_ARTICLE = 8  # ...but every article keeps at least its lead sentences
MIN_SENTENCES = 3  # a summary shorter than this is a headline, not a summary
WHOLE = 0.8  # a fact passage covering this share of a sentence's words vouches for all of it
WORD_BUDGET = 100  # words: a paragraph read in half a minute; the sentence crossing it stays
SHARE = 0.35  # ...and at most this share of the words the story's originals offer


def summarize(
    story: Story, articles: dict[str, Article], settings: Settings
) -> list[SummarySentence]:
    """Up to `settings.summary_sentences` cited sentences, in reading order."""
    order = {aid: k for k, aid in enumerate(dict.fromkeys(story.articles)) if aid in articles}
    members = [articles[aid] for aid in order]
    cap = max(MIN_PER_ARTICLE, MAX_POOL // max(len(members), 1))
    pool = [c for article in members for c in candidates(article, cap)]
    if not pool:
        return []
    vectors = shared_encoder(settings).encode([c.text for c in pool])
    root = {a.id: _root(a, order) for a in members}
    floor = OFF_TOPIC_FLOOR.get(settings.encoder, 0.15)
    on_topic, centrality = _topicality([root[c.article] for c in pool], vectors, floor)
    close = _close(pool, vectors, SAME_MEANING.get(settings.encoder, 0.8))
    same = _vouches(pool, close)
    supporters = [{pool[j].article for j in np.flatnonzero(same[i])} for i in range(len(pool))]
    for found, extra in zip(supporters, fact_citations(pool, story), strict=True):
        found.update(a for a in extra if a in order)
    independent = len(set(root.values()))
    backing = fact_support(pool, story)
    relevance = np.array(
        [
            centrality[i]
            + SUPPORT_WEIGHT
            * (max(len({root[a] for a in supporters[i]}), backing[i]) - 1)
            / max(independent - 1, 1)
            + LEAD_WEIGHT * (1.0 - c.position)
            - c.penalty
            for i, c in enumerate(pool)
        ]
    ) + LEXICAL_WEIGHT * shared_wording(pool, [root[c.article] for c in pool])
    # A near-copy adds support but no new sentences: pick from the article it copies.
    eligible = [i for i, c in enumerate(pool) if on_topic[i] and root[c.article] == c.article]
    picks = _select(pool, eligible, relevance, vectors, close, order, settings.summary_sentences)
    picks.sort(key=lambda i: _reading_key(i, pool, same, articles, relevance))
    return [
        SummarySentence(pool[i].text, sorted(supporters[i], key=order.__getitem__)) for i in picks
    ]


Passage = tuple[str, int, int, frozenset[str], list[str]]  # text, words, sources, numbers, ids


def _passages(story: Story) -> dict[str, list[Passage]]:
    """Each article's passages of facts that more than one independent source reports."""
    found: dict[str, list[Passage]] = {}
    if story.analysis is None:
        return found
    for fact in story.analysis.facts:
        if fact.independent_sources < 2:
            continue
        for span in fact.spans:
            text = _fold(span.text)
            if text:
                found.setdefault(span.article, []).append(
                    (
                        text,
                        len(text.split()),
                        fact.independent_sources,
                        numbers(span.text),
                        fact.articles,
                    )
                )
    return found


def fact_support(pool: Sequence[Candidate], story: Story) -> list[float]:
    """Independent sources behind each candidate, from the analysis's facts.

    A fact backs a sentence when one of its passages lies in that sentence; a clause backs
    only its share of the sentence's words, so a sentence is not carried by a short
    clause that many sources repeat while the rest of it rests on one.
    """
    backing = [1.0] * len(pool)
    passages = _passages(story)
    for i, c in enumerate(pool):
        sentence = _fold(c.text)
        words = max(len(sentence.split()), 1)
        for text, length, sources, _, _ in passages.get(c.article, ()):
            if text in sentence or sentence in text:
                share = min(1.0, length / words)
                backing[i] = max(backing[i], 1.0 + (sources - 1) * share)
    return backing


def fact_citations(pool: Sequence[Candidate], story: Story) -> list[set[str]]:
    """Articles a candidate may cite on the analysis's word: those of a fact whose passage is
    (nearly) the whole sentence and carries every number the sentence states."""
    cites: list[set[str]] = [set() for _ in pool]
    passages = _passages(story)
    for i, c in enumerate(pool):
        sentence = _fold(c.text)
        words = max(len(sentence.split()), 1)
        for text, length, _, figures, ids in passages.get(c.article, ()):
            whole = (text in sentence or sentence in text) and length >= WHOLE * words
            if whole and c.numbers <= figures:
                cites[i].update(ids)
    return cites


_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of to in on at by for with from and or but as is was were be been are it its "
    "that this these those he she they his her their them who which what said says would "
    "will has have had not no than then there also after before over about into".split()
)


def _terms(text: str) -> set[str]:
    """Content words: the names, figures and verbs that carry the story."""
    return set(_WORD.findall(text.casefold())) - _STOP


def shared_wording(pool: Sequence[Candidate], owners: list[str]) -> np.ndarray:
    """How much of a sentence's wording the other independent sources also use: for each
    content word, the share of the other sources that print it, averaged over the sentence.

    The embedding measures what a sentence is about; this measures whether the outlets name
    it in the same words (the names, figures and verbs of the event), the signal classic
    multi-document summarisers (SumBasic, centroid) build on.
    """
    sources = list(dict.fromkeys(owners))
    if len(sources) < 2:
        return np.zeros(len(pool), dtype=np.float32)
    bags = [_terms(c.text) for c in pool]
    vocab: dict[str, set[str]] = {}
    for owner, bag in zip(owners, bags, strict=True):
        for w in bag:
            vocab.setdefault(w, set()).add(owner)
    others = len(sources) - 1
    out = np.zeros(len(pool), dtype=np.float32)
    for i, (owner, bag) in enumerate(zip(owners, bags, strict=True)):
        if bag:
            out[i] = sum(len(vocab[w] - {owner}) for w in bag) / (len(bag) * others)
    return out


def _fold(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.casefold()).split())


def _reading_key(
    i: int,
    pool: Sequence[Candidate],
    same: np.ndarray,
    articles: dict[str, Article],
    relevance: np.ndarray,
) -> tuple[float, str, float]:
    """Tell the story in the order its sources do: what they report early comes first.

    A fact's place is the earliest place any supporting article gives it; ties go to what
    was published first, then to the more relevant sentence.
    """
    rows = np.flatnonzero(same[i]).tolist()
    position = min(pool[j].position for j in rows)
    first = min(_date(articles[pool[j].article]) for j in rows)
    return (round(position, 6), first, -round(float(relevance[i]), 6))


def _root(article: Article, order: dict[str, int]) -> str:
    """The original a near-copy was copied from, when that original is in the story."""
    if article.duplicate_of and article.duplicate_of in order:
        return article.duplicate_of
    return article.id


def _date(article: Article) -> str:
    return article.published or "9999"  # undated articles sort last


def _topicality(
    owners: list[str], vectors: np.ndarray, floor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which sentences are about the story, and how central each is.

    A sentence is measured against what the *other* articles write about (the mean of their
    per-article means), never against a centroid it helped to build: a teaser for another
    story is then far from everything, however short its own article. One pass drops what
    is plainly off-topic, a second measures again without it. A single-article story falls
    back to leave-one-out over its own sentences. `owners` names each sentence's article, a
    near-copy under its original's name, so a copy cannot vouch for its original's teasers.
    """
    ids = list(dict.fromkeys(owners))
    rows = {aid: np.array([i for i, a in enumerate(owners) if a == aid]) for aid in ids}
    keep = np.ones(len(owners), dtype=bool)
    centrality = np.zeros(len(owners), dtype=np.float32)
    for _ in range(2):
        if len(ids) == 1:
            kept = vectors[keep]
            total = kept.sum(axis=0)
            loo = (total - vectors * keep[:, None]) / max(len(kept) - 1, 1)
            centrality = np.einsum("ij,ij->i", vectors, _unit(loo))
        else:
            means = {
                aid: vectors[r[keep[r]]].mean(axis=0) if keep[r].any() else None
                for aid, r in rows.items()
            }
            for aid, r in rows.items():
                others = [m for other, m in means.items() if other != aid and m is not None]
                if others:
                    centrality[r] = vectors[r] @ _unit(np.mean(others, axis=0))
        keep = centrality >= floor
    return keep, centrality


def _unit(x: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    return x / np.where(norm == 0, 1.0, norm)


def _close(pool: Sequence[Candidate], vectors: np.ndarray, threshold: float) -> np.ndarray:
    """close[i, j]: the two sentences say the same thing, by embedding or by wording."""
    texts = [c.text.casefold() for c in pool]
    fuzzy = process.cdist(
        texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_IDENTICAL, dtype=np.uint8, workers=1
    )
    return np.asarray((vectors @ vectors.T >= threshold) | (fuzzy > 0))


def _vouches(pool: Sequence[Candidate], close: np.ndarray) -> np.ndarray:
    """same[i, j]: sentence j, from another article, vouches for everything sentence i says.

    Close in meaning is not enough: j must also carry every number i states, so "about four
    hours" never cites an article that says "two hours".
    """
    owner = np.unique([c.article for c in pool], return_inverse=True)[1]
    same = close & (owner[:, None] != owner[None, :])
    for i, c in enumerate(pool):
        if c.numbers:
            for j in np.flatnonzero(same[i]).tolist():
                same[i, j] = c.numbers <= pool[j].numbers
    np.fill_diagonal(same, True)
    return same


def _select(
    pool: Sequence[Candidate],
    eligible: list[int],
    relevance: np.ndarray,
    vectors: np.ndarray,
    close: np.ndarray,
    order: dict[str, int],
    limit: int,
) -> list[int]:
    """Maximal marginal relevance; a restatement of an earlier pick is never picked. Picks
    stop at `limit` sentences, or once the summary has its minimum and fills the word budget.

    Candidates are kept in story order, so among equal scores the earlier article and the
    earlier sentence win, and the result never depends on floating-point noise.
    """
    rows = np.array(sorted(eligible, key=lambda i: (order[pool[i].article], pool[i].index)), int)
    owner = np.array([order[pool[i].article] for i in rows], int)
    left = np.ones(len(rows), dtype=bool)
    redundancy = np.zeros(len(rows), dtype=np.float32)
    voices = np.zeros(max(order.values(), default=0) + 1, dtype=np.float32)
    picks: list[int] = []
    words = 0
    # A summary compresses: on a story of a few short leads the budget shrinks with it.
    budget = min(WORD_BUDGET, SHARE * sum(len(pool[i].text.split()) for i in eligible))
    while left.any() and len(picks) < limit:
        if len(picks) >= MIN_SENTENCES and words >= budget:
            break
        score = (
            MMR_LAMBDA * relevance[rows]
            - (1 - MMR_LAMBDA) * redundancy
            - SAME_ARTICLE_PENALTY * voices[owner]
        )
        score = np.where(left, np.round(score, 6), -np.inf)
        k = int(np.argmax(score))
        best = int(rows[k])
        picks.append(best)
        words += len(pool[best].text.split())
        voices[owner[k]] += 1
        redundancy = np.maximum(redundancy, vectors[rows] @ vectors[best])
        left &= ~close[rows, best]
        left[k] = False
    return picks
