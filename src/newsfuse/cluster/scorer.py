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
WEIGHTS: dict[str, tuple[float, ...]] = {
    "minilm": (-1.5027, 2.1573, -7.0351, 2.9867, 0.7946, -1.1429, -1.7228, -2.7236, -1.1746, 0.1796, 4.0919, 2.8545, 6.523, -3.4644, 4.3326, -5.6602),
    "model2vec": (-1.7961, 0.722, -7.2622, 2.9444, 0.6799, -1.3414, -1.8094, -2.8153, -1.3145, -0.2015, 6.9357, 0.8627, 7.0435, -3.6175, 4.3732, -4.5093),
}


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
