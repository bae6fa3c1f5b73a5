"""The chance that two articles report the same event, from a handful of pair features.

A logistic regression, not a hand-set formula: its weights were fitted on pairs of the ECB+
and AllSides development sets (eval/clustering.py --fit prints them) with both sets weighted
equally, so neither dataset's habits dominate. Its output is a probability, so the story
cut (settings.cluster_threshold, a linkage distance of 0.5) means "more likely the same
event than not" on every corpus instead of a similarity level tuned to one of them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Day-gap bins: one weight each lets the model learn that "same day" and "a year apart"
# mean different things without assuming a straight line in between.
GAP_BINS = ((0, 0), (1, 1), (2, 3), (4, 7), (8, 30), (31, 365), (366, np.inf))
FEATURES = (
    "words",
    "meaning",
    "names",
    *(f"gap_{lo}_{hi}" for lo, hi in GAP_BINS),
    "shared_words",
    "shared_meaning",
    "shared_names",
    "words_undated",
    "shared_words_undated",
)

# Fitted by eval/clustering.py --fit (see docs); one set per encoder, since the cosine
# scales of MiniLM and model2vec differ.
# fmt: off
WEIGHTS: dict[str, tuple[float, ...]] = {
    "minilm": (
        -1.402, 1.9947, -6.8701, 3.0117, 0.909, -1.0718, -1.6236, -2.4951, -1.0224,
        0.1922, 4.4046, 2.6384, 6.4249, -3.7241, 4.6133, -5.6529,
    ),
    "model2vec": (
        -1.5782, 0.2761, -7.4911, 2.9871, 0.8117, -1.291, -1.7895, -2.743, -1.1767,
        -0.1018, 6.9801, 1.0073, 7.4004, -3.6308, 4.4765, -4.5408,
    ),
}
# fmt: on


def features(sims: Mapping[str, np.ndarray]) -> np.ndarray:
    """Feature matrix (..., len(FEATURES)) from per-pair similarities of any shape."""
    gap = sims["gap"]
    undated = np.isnan(gap).astype(np.float32)
    columns = [sims["words"], sims["meaning"], sims["names"]]
    for lo, hi in GAP_BINS:
        columns.append(((gap >= lo - 0.5) & (gap <= hi + 0.5)).astype(np.float32))
    columns += [sims["shared_words"], sims["shared_meaning"], sims["shared_names"]]
    columns += [sims["words"] * undated, sims["shared_words"] * undated]
    return np.stack([np.asarray(c, dtype=np.float32) for c in columns], axis=-1)


def probability(x: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    w = np.asarray(weights[:-1], dtype=np.float64)
    z = x.astype(np.float64) @ w + weights[-1]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def fit(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float = 1.0) -> tuple[float, ...]:
    """Logistic regression where each group (dataset) carries the same total weight."""
    from sklearn.linear_model import LogisticRegression

    weight = np.ones(len(y))
    for g in np.unique(groups):
        weight[groups == g] = 1.0 / np.count_nonzero(groups == g)
    weight *= len(y) / weight.sum()
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y, sample_weight=weight)
    return (*(round(float(v), 4) for v in model.coef_[0]), round(float(model.intercept_[0]), 4))
