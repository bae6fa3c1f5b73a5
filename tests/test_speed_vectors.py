"""The shared sentence-vector cache: each distinct text embedded once, in the caller's order,
never across encoders; background prefetch; MiniLM's length-packed batches."""

from __future__ import annotations

import logging
import random

import numpy as np
import pytest

from newsfuse.embed.minilm_onnx import BATCH, MAX_TOKENS, PADDING, batches

# Invented sentences: clauses, a quote, a long sentence, and exact repeats as wire copies make.
TEXTS = [
    "The harbour authority closed the northern pier on Monday.",
    "Prices rose.",
    "“We will rebuild the pier before the summer season,” the harbour master said.",
    "after a storm damaged its deck",
    "The harbour authority closed the northern pier on Monday.",
    "Officials said the ferry service to the islands would resume on Thursday, although "
    "smaller boats may still be delayed by high winds.",
    "Prices rose.",
    "The council met again and discussed the budget at length.",
]


class Counting:
    """A real encoder that also records what it was asked to embed."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name = inner.name  # type: ignore[attr-defined]
        self.dim = inner.dim  # type: ignore[attr-defined]
        self.calls: list[list[str]] = []
        self.fail = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if self.fail:
            self.fail -= 1
            raise RuntimeError("the model is busy")
        return self.inner.encode(texts)  # type: ignore[attr-defined]


def test_batches_take_every_row_once_with_little_padding() -> None:
    rng = random.Random(7)
    lengths = [rng.choice([3, 5, 8, 12, 20, 21, 22, 40, 84, 256]) for _ in range(700)]
    found = batches(lengths)
    rows = [r for batch in found for r in batch]
    assert sorted(rows) == list(range(len(lengths)))
    for batch in found:
        widths = [lengths[r] for r in batch]
        assert widths == sorted(widths)
        padded = max(widths) * len(batch)
        assert len(batch) <= BATCH
        assert len(batch) == 1 or padded <= MAX_TOKENS
        assert len(batch) == 1 or padded <= (1 + PADDING) * sum(widths)
    assert batches([]) == []


@pytest.mark.slow
def test_repeats_get_the_vectors_of_the_encoder_itself_in_order() -> None:
    from newsfuse.analysis.vectors import CachedEncoder
    from newsfuse.embed import get_encoder

    model = get_encoder("minilm")
    counting = Counting(model)
    cached = CachedEncoder(counting)
    got = cached.encode(TEXTS)
    assert counting.calls == [list(dict.fromkeys(TEXTS))]  # each distinct text once
    want = np.stack([model.encode([t])[0] for t in TEXTS])  # one at a time, no cache
    assert got.shape == (len(TEXTS), 384)
    assert np.abs(got - want).max() < 1e-5
    assert np.array_equal(got[0], got[4]) and np.array_equal(got[1], got[6])
    again = cached.encode(list(reversed(TEXTS)))
    assert len(counting.calls) == 1  # all cached now
    assert np.array_equal(again, got[::-1])


@pytest.mark.slow
def test_prefetch_embeds_once_and_encode_waits_for_it(caplog: pytest.LogCaptureFixture) -> None:
    from newsfuse.analysis.vectors import CachedEncoder
    from newsfuse.embed import get_encoder

    model = get_encoder("minilm")
    counting = Counting(model)
    cached = CachedEncoder(counting)
    cached.prefetch(TEXTS[:5])
    got = cached.encode(TEXTS)
    assert counting.calls[0] == list(dict.fromkeys(TEXTS[:5]))
    assert counting.calls[1:] == [[t for t in dict.fromkeys(TEXTS) if t not in TEXTS[:5]]]
    assert np.abs(got - model.encode(TEXTS)).max() < 1e-5
    # a prefetch that fails is logged and the texts are embedded when asked for
    cached.clear()
    counting.calls.clear()
    counting.fail = 1
    with caplog.at_level(logging.WARNING, logger="newsfuse.analysis.vectors"):
        cached.prefetch(TEXTS)
        again = cached.encode(TEXTS)
    assert "prefetching sentence vectors failed" in caplog.text
    assert len(counting.calls) == 2
    assert np.array_equal(again, got)


@pytest.mark.slow
def test_the_cache_never_hands_one_encoders_vectors_to_another() -> None:
    from newsfuse.analysis.vectors import clear_shared, shared_encoder
    from newsfuse.settings import Settings

    minilm = shared_encoder(Settings(encoder="minilm"))
    static = shared_encoder(Settings(encoder="model2vec"))
    assert minilm is not static
    a = minilm.encode(TEXTS[:3])
    b = static.encode(TEXTS[:3])
    assert a.shape == (3, 384) and b.shape == (3, static.dim) and static.dim != 384
    assert np.abs(a - minilm.inner.encode(TEXTS[:3])).max() < 1e-5
    assert np.abs(b - static.inner.encode(TEXTS[:3])).max() < 1e-5
    clear_shared()  # a new story starts cold: nothing is served from the old one
    counting = Counting(minilm.inner)
    minilm.inner = counting
    try:
        minilm.encode(TEXTS[:3])
    finally:
        minilm.inner = counting.inner  # type: ignore[assignment]
    assert counting.calls == [TEXTS[:3]]


@pytest.mark.slow
def test_int8_analysis_vectors_stay_apart_from_the_stored_kind() -> None:
    from newsfuse.analysis.vectors import shared_encoder
    from newsfuse.embed import get_encoder
    from newsfuse.settings import Settings

    exact = shared_encoder(Settings(encoder="minilm"))
    small = shared_encoder(Settings(encoder="minilm", analysis_int8=True))
    assert small is not exact and small.name == "minilm-int8" != exact.name
    assert get_encoder("minilm").name == "minilm"  # what clustering stores is untouched
    a, b = exact.encode(TEXTS), small.encode(TEXTS)
    assert b.shape == a.shape and np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    same = np.sum(a * b, axis=1)
    assert same.min() > 0.95 and not np.array_equal(a, b)  # close, yet its own vectors
    assert np.array_equal(exact.encode(TEXTS), a)  # the float32 cache kept its own
