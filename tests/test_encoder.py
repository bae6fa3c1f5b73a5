"""MiniLM on ONNX Runtime gives sentence-transformers' vectors; spinning OpenMP stays off."""

from __future__ import annotations

import os

import numpy as np
import pytest

# Invented sentences of every length class the analysis sends: clauses, long sentences,
# quotes with typographic marks, a one-word fragment, text past the model's token limit.
TEXTS = [
    "Prices rose.",
    "The harbour authority closed the northern pier on Monday after a storm damaged its deck.",
    "“We will rebuild the pier before the summer season,” the harbour master told reporters.",
    "after the vote",
    "Officials said the ferry service to the islands would resume on Thursday, although "
    "smaller boats may still be delayed by high winds, and passengers were told to check "
    "the timetable before travelling.",
    " ".join(["The committee met again and discussed the budget at length."] * 40),
]


@pytest.mark.slow
def test_onnx_runtime_matches_sentence_transformers() -> None:
    from newsfuse.embed.encoder import MiniLMEncoder, get_encoder

    fast = get_encoder("minilm")
    assert getattr(fast, "backend", None) == "onnxruntime"
    reference = MiniLMEncoder(onnx=False)
    got, want = fast.encode(TEXTS), reference.encode(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384)
    assert np.abs(got - want).max() < 1e-4
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # one text alone (no padding in its batch) gives the vector it gets among the others
    assert np.abs(fast.encode(TEXTS[1:2])[0] - got[1]).max() < 1e-5
    assert fast.encode([]).shape == (0, 384)


def test_passive_openmp_wait_is_a_default_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfuse.embed.runtime import prepare_torch

    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    prepare_torch()
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    prepare_torch()
    assert os.environ["OMP_WAIT_POLICY"] == "ACTIVE"
