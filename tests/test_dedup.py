"""Dedup on texts we write: exact copies, near copies, and look-alikes that are not copies."""

from __future__ import annotations

import random

import numpy as np

from newsfuse.dedup import find_duplicates
from newsfuse.dedup.fingerprint import exact_key, signatures, words
from newsfuse.dedup.near import candidate_pairs, similarity
from newsfuse.model import Article
from newsfuse.settings import Settings

VOCAB = [f"word{i}" for i in range(5000)]


def _text(rng: random.Random, n: int = 300) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def _article(aid: str, text: str, published: str | None = None) -> Article:
    return Article(id=aid, origin=f"{aid}.txt", source=aid, text=text, published=published)


def test_exact_key_ignores_case_spacing_and_punctuation() -> None:
    a = "The minister said: “We will rebuild”, on Tuesday."
    b = "the  minister said we will REBUILD on tuesday"
    assert exact_key(words(a)) == exact_key(words(b))
    assert exact_key(words(a)) != exact_key(words("The minister said we will not rebuild"))


def test_signature_similarity_tracks_jaccard() -> None:
    rng = random.Random(7)
    base = _text(rng).split()
    edited = list(base)
    for k in range(0, 300, 30):  # 10 single-word edits: ~15% of 5-shingles change
        edited[k] = "edit"
    other = _text(rng).split()
    sigs = signatures([[w.encode() for w in t] for t in (base, edited, other)], 128)
    assert sigs.shape == (3, 128) and sigs.dtype == np.uint32
    assert 0.6 < similarity(sigs, 0, 1) < 0.95
    assert similarity(sigs, 0, 2) < 0.1


def test_signatures_are_deterministic_across_calls() -> None:
    tokens = [words("a b c d e f g h"), words("one two three")]
    assert np.array_equal(signatures(tokens, 64), signatures(tokens, 64))


def test_banding_finds_planted_near_copies() -> None:
    rng = random.Random(3)
    texts = [_text(rng) for _ in range(200)]
    planted = []
    for k in range(0, 100, 2):  # each even text gets a near copy with two words changed
        w = texts[k].split()
        w[50], w[150] = "changed", "again"
        texts.append(" ".join(w))
        planted.append((k, len(texts) - 1))
    sigs = signatures([words(t) for t in texts], 128)
    pairs = candidate_pairs(sigs, 32)
    assert all(p in pairs for p in planted)
    assert len(pairs) < 5 * len(planted)  # unrelated texts rarely collide


def test_find_duplicates_points_copies_to_earliest_original() -> None:
    rng = random.Random(11)
    original = _text(rng)
    w = original.split()
    w[10] = "altered"
    articles = [
        _article("late-copy", " ".join(w), "2024-06-17"),
        _article("original", original, "2023-09-13"),
        _article("shouting-copy", original.upper() + "!!", None),
        _article("unrelated", _text(rng), "2023-09-13"),
    ]
    find_duplicates(articles, Settings())
    by_id = {a.id: a for a in articles}
    assert by_id["original"].duplicate_of is None
    assert by_id["unrelated"].duplicate_of is None
    assert by_id["late-copy"].duplicate_of == "original"
    assert 0.8 <= (by_id["late-copy"].duplicate_score or 0) < 1.0
    assert by_id["shouting-copy"].duplicate_of == "original"
    assert by_id["shouting-copy"].duplicate_score == 1.0


def test_rewrite_with_shared_topic_is_not_a_duplicate() -> None:
    rng = random.Random(5)
    base = _text(rng, 200).split()
    rewrite = base[:60] + _text(rng, 140).split()  # shares only the opening third
    articles = [_article("a", " ".join(base)), _article("b", " ".join(rewrite))]
    find_duplicates(articles, Settings())
    assert all(a.duplicate_of is None for a in articles)


def test_empty_and_tiny_texts() -> None:
    assert find_duplicates([], Settings()) == []
    articles = [_article("a", "Short."), _article("b", "short"), _article("c", "")]
    find_duplicates(articles, Settings())
    assert articles[1].duplicate_of == "a"
