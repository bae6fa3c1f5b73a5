"""The chance that two articles report the same event, from a handful of pair features.

A logistic regression, not a hand-set formula: its weights were fitted on pairs of the ECB+
and AllSides development sets (eval/clustering.py --fit prints them) with both sets weighted
equally, so neither dataset's habits dominate. Its output is a probability, so the story
cut (settings.cluster_threshold, a linkage distance of 0.5) means "more likely the same
event than not" on every corpus instead of a similarity level tuned to one of them.

It looks twice. The first look weighs the pair's own evidence. "Same event" is transitive,
so the second adds what the first look said about everyone else: two reports that the same
other reports match are one event even where their own wording differs (two wire services'
versions of one raid), and two reports matched by different crowds are two events even
where they share a topic. The second look re-scores only the pairs the first left open
(SETTLED), and its weights are fitted on those pairs, so it learns the hard cases instead
of re-learning that unrelated articles are unrelated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
    "words_overlap",
    "names_overlap",
)
SECOND = (*FEATURES, "agreement")  # the second look: the same evidence plus the first's verdicts
SETTLED = 0.01  # first-look probability below which a pair is two events without a second look


@dataclass(frozen=True, slots=True)
class Weights:
    first: tuple[float, ...]  # len(FEATURES) + 1 (bias last)
    second: tuple[float, ...]  # len(SECOND) + 1


# Fitted by eval/clustering.py --fit (see docs); one set per encoder, since the cosine
# scales of MiniLM and model2vec differ.
# fmt: off
WEIGHTS: dict[str, Weights] = {
    "minilm": Weights(
        first=(
            -2.4648, 2.5238, -4.7342, 3.1224, 0.9521, -1.0209, -1.6026, -2.462, -0.9479,
            0.3197, 3.6156, 2.6461, 6.7103, -5.1246, 5.2521, 2.4022, -1.8989, -5.9677,
        ),
        second=(
            0.6691, 0.0412, -0.9823, 1.1696, -0.3009, -0.6442, -0.402, -0.4325, -0.5023,
            1.146, 0.2415, -1.3081, 2.2064, -2.9504, 2.4106, 1.9354, -1.3184, 7.449, -5.5732,
        ),
    ),
    "model2vec": Weights(
        first=(
            -2.2066, 0.7762, -5.5291, 3.124, 0.8812, -1.1925, -1.7186, -2.6617, -1.0975,
            0.0764, 6.3486, 0.8699, 7.8186, -4.5244, 4.8951, 1.7396, -1.9096, -4.7477,
        ),
        second=(
            1.3256, -0.2789, -1.0127, 0.7187, -0.7862, -1.211, -0.8277, -1.043, -1.1389,
            0.3561, -0.1759, -0.698, 1.6638, -2.2471, 1.5592, 2.0648, -1.0137, 7.4665, -5.395,
        ),
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
    columns += [sims["words_overlap"], sims["names_overlap"]]
    return np.stack([np.asarray(c, dtype=np.float32) for c in columns], axis=-1)


def with_agreement(x: np.ndarray, agreement: np.ndarray) -> np.ndarray:
    """Second-look features: the first look's, plus the agreement of the pair's verdict rows."""
    return np.concatenate([x, np.asarray(agreement, dtype=np.float32)[..., None]], axis=-1)


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
