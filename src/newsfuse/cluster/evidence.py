"""What the scorer weighs about pairs of articles, and its two looks at them (scorer.py).

The cluster stage asks about pairs in three shapes: the scan's candidates, arbitrary pairs
inside a small group, and dense blocks of a large group. One module builds the evidence for
all three, so a pair gets the same probability whichever way it is reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from newsfuse.cluster import scorer
from newsfuse.cluster.pairs import MIN_WORDS, Scan, block_sims, day_gap, masses, overlap, row_dots
from newsfuse.cluster.profiles import Profiles

Sims = dict[str, np.ndarray]


def mass_of(p: Profiles) -> dict[str, np.ndarray]:
    return {"words": masses(p.word_marks), "names": masses(p.name_marks)}


def pair_sims(
    p: Profiles,
    scan: Scan,
    mass: dict[str, np.ndarray],
    i: np.ndarray,
    j: np.ndarray,
    views: Sims | None = None,
) -> Sims:
    """Evidence for the pairs (i[k], j[k]); `views`: their three cosines where already known."""
    sims = (
        dict(views)
        if views is not None
        else {
            "words": row_dots(p.words, i, j),
            "meaning": np.einsum("ij,ij->i", p.meaning[i], p.meaning[j]),
            "names": row_dots(p.names, i, j),
        }
    )
    sims["gap"] = np.abs(p.days[i] - p.days[j])
    for kind, matrix in scan.neighbours.items():
        sims[f"shared_{kind}"] = row_dots(matrix, i, j)
    for kind, marks in (("words", p.word_marks), ("names", p.name_marks)):
        shared = row_dots(marks, i, j)
        sims[f"{kind}_overlap"] = overlap(shared, mass[kind][i], mass[kind][j])
    return sims


def block_evidence(
    p: Profiles, scan: Scan, mass: dict[str, np.ndarray], members: np.ndarray
) -> Sims:
    """Evidence for every pair of `members`, as dense square blocks."""
    sims = dict(block_sims(p, members, members))
    sims["gap"] = day_gap(p.days, members, members)
    for kind, matrix in scan.neighbours.items():
        rows = matrix[members]
        sims[f"shared_{kind}"] = (rows @ rows.T).toarray().astype(np.float32)
    for kind, marks in (("words", p.word_marks), ("names", p.name_marks)):
        rows = marks[members]
        own = mass[kind][members]
        shared = (rows @ rows.T).toarray()
        sims[f"{kind}_overlap"] = overlap(shared, own[:, None], own[None, :])
    return sims


def agreement_rows(n: int, i: np.ndarray, j: np.ndarray, first: np.ndarray) -> sparse.csr_matrix:
    """Each article's first-look verdicts on the others (on itself: 1), as unit rows.

    Settled pairs are left out: their verdicts are near zero and would only fill the matrix.
    """
    keep = first >= scorer.SETTLED
    a, b, v = i[keep], j[keep], first[keep]
    diagonal = np.arange(n)
    rows = np.concatenate([a, b, diagonal])
    cols = np.concatenate([b, a, diagonal])
    vals = np.concatenate([v, v, np.ones(n)]).astype(np.float32)
    return normalize(sparse.csr_matrix((vals, (rows, cols)), shape=(n, n)))


@dataclass(slots=True)
class Judge:
    """Probabilities for any pairs of one run: the first look, then the second where open."""

    p: Profiles
    scan: Scan
    weights: scorer.Weights
    mass: dict[str, np.ndarray]
    rows: sparse.csr_matrix  # agreement_rows of the scan's pairs
    scan_prob: np.ndarray  # final probability of each scan pair

    def pairs(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Pairs found by the scan or not; zero where the scan would never compare them."""
        sims = pair_sims(self.p, self.scan, self.mass, i, j)
        prob = _looks(
            scorer.features(sims), self.weights, lambda o: row_dots(self.rows, i[o], j[o])
        )
        prob[(sims["words"] <= MIN_WORDS) | (sims["gap"] > self.scan.window)] = 0.0
        return prob

    def block(self, members: np.ndarray) -> np.ndarray:
        """Every pair of `members`, as a symmetric matrix with a zero diagonal."""
        sims = block_evidence(self.p, self.scan, self.mass, members)
        rows = self.rows[members]
        agreement = (rows @ rows.T).toarray()
        prob = _looks(scorer.features(sims), self.weights, lambda o: agreement[o])
        prob[(sims["words"] <= MIN_WORDS) | (sims["gap"] > self.scan.window)] = 0.0
        np.fill_diagonal(prob, 0.0)
        return prob


def _looks(
    x: np.ndarray,
    weights: scorer.Weights,
    agreement_of: Callable[[np.ndarray], np.ndarray],
    first: np.ndarray | None = None,
) -> np.ndarray:
    """First look everywhere; the second, with agreement_of(open mask), where it stays open."""
    prob = scorer.probability(x, weights.first) if first is None else first.copy()
    opened = prob >= scorer.SETTLED
    if opened.any():
        second = scorer.with_agreement(x[opened], agreement_of(opened))
        prob[opened] = scorer.probability(second, weights.second)
    return prob


def judge(p: Profiles, scan: Scan, weights: scorer.Weights) -> Judge:
    mass = mass_of(p)
    x = scorer.features(pair_sims(p, scan, mass, scan.i, scan.j, scan.sims))
    first = scorer.probability(x, weights.first)
    rows = agreement_rows(len(p.ids), scan.i, scan.j, first)
    prob = _looks(x, weights, lambda o: row_dots(rows, scan.i[o], scan.j[o]), first)
    return Judge(p, scan, weights, mass, rows, prob)
