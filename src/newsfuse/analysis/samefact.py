"""The "same fact" decision: a logistic regression over sentence-pair features.

The product uses the fixed models in `samefact_weights.py`, one per sentence encoder (the
cosine feature means different things for MiniLM and model2vec), fitted on the MSRP training
set by `eval/samefact.py --encoder NAME --write`, which also reports the cross-validated F1;
nothing is trained at run time. Each threshold is the one that maximised F1 on MSRP, and each
`floor` is the cosine below which under 1% of that model's "same" pairs fall, so pairs below
it need not be scored at all.

Why a linear model: a 16-unit MLP (within 0.002 F1) and gradient boosting (-0.002) gained
nothing beyond fold noise under cross-validation, and the MLP's calls on pairs unlike MSRP's
changed with its random initialisation. Features were kept only where they also hold up on
such pairs (similarity.py names one that did not), since a story's candidate pairs are far
less alike than MSRP's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from newsfuse.analysis import samefact_weights
from newsfuse.analysis.similarity import FEATURES, Profile, pair_features


@dataclass(frozen=True, slots=True)
class SameFactModel:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    floor: float = 0.0  # cosine below which pairs are taken as different without scoring

    def probability(self, features: np.ndarray) -> np.ndarray:
        """P(same fact) per row of a (pairs x FEATURES) matrix."""
        x = (np.asarray(features, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(
            self.scale
        )
        z = x @ np.asarray(self.coef) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    @classmethod
    def fit(cls, features: np.ndarray, labels: Sequence[int] | np.ndarray) -> SameFactModel:
        """Standardise, fit, and set the threshold that maximises F1 on the same data."""
        from sklearn.linear_model import LogisticRegression

        x = np.asarray(features, dtype=np.float64)
        y = np.asarray(labels)
        mean = x.mean(axis=0)
        scale = x.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y)
        model = cls(
            tuple(map(float, mean)),
            tuple(map(float, scale)),
            tuple(map(float, lr.coef_[0])),
            float(lr.intercept_[0]),
            0.5,
        )
        model = replace(model, threshold=best_threshold(model.probability(x), y))
        same = model.probability(x) >= model.threshold
        floor = float(np.quantile(x[same, 0], 0.01)) if same.any() else 0.0
        return replace(model, floor=round(floor, 3))


def best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The cut on P(same) with the best F1 (a 0.01 grid, so it prints and stores cleanly)."""
    best, best_f1 = 0.5, -1.0
    positives = int(np.sum(labels == 1))
    for t in np.arange(0.05, 0.951, 0.01):
        predicted = probabilities >= t
        tp = int(np.sum(predicted & (labels == 1)))
        f1 = 2 * tp / (int(predicted.sum()) + positives) if positives else 0.0
        if f1 > best_f1:
            best, best_f1 = round(float(t), 2), f1
    return best


MODELS = {name: SameFactModel(**values) for name, values in samefact_weights.MODELS.items()}  # type: ignore[arg-type]
MODEL = MODELS["minilm"]


def model_for(encoder_name: str) -> SameFactModel:
    """The model fitted on this encoder's cosines (MiniLM's when there is none).

    Stale weights fail here, not at import, so eval/samefact.py --write can still import this
    module to regenerate them after the features change."""
    model = MODELS.get(encoder_name, MODEL)
    if len(model.coef) != len(FEATURES):  # pragma: no cover
        raise RuntimeError(
            "samefact_weights.py does not match the features; rerun eval/samefact.py"
        )
    return model


def same_fact_probability(a: str, b: str, cosine: float, encoder_name: str = "minilm") -> float:
    """P(the two sentences state the same fact), given their embedding cosine."""
    row = pair_features(Profile.of(a), Profile.of(b), cosine)
    return float(model_for(encoder_name).probability(np.asarray([row]))[0])


def is_same_fact(a: str, b: str, cosine: float, encoder_name: str = "minilm") -> bool:
    return same_fact_probability(a, b, cosine, encoder_name) >= model_for(encoder_name).threshold
