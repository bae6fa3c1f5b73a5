"""Which pairs of articles are worth scoring, and how alike they are.

Small inputs compare every pair (exact). Large ones compare each article only with articles
published within `time_window_days` of it (undated articles with everything), block by
block, and keep its nearest neighbours: memory stays linear in the number of articles and
no n x n matrix is ever built. Both modes also record each article's closest neighbours,
because two reports of one event have the same neighbours even where their own wording
differs (shared-neighbour similarity).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from newsfuse.cluster.profiles import Profiles

EXACT_LIMIT = 4000  # up to this many articles every pair is compared
NEIGHBOURS = 10  # neighbours per article in the shared-neighbour similarity
CANDIDATES = 24  # per article and view, in large inputs
MIN_WORDS = 0.05  # TF-IDF cosine below which two articles never join directly
BLOCK = 256
CELLS = 1_500_000  # pairs per dense block: ~6 MB per similarity matrix
KINDS = ("words", "meaning", "names")


@dataclass(slots=True)
class Scan:
    i: np.ndarray  # first article of each candidate pair (i < j)
    j: np.ndarray
    sims: dict[str, np.ndarray]  # words, meaning, names: cosine per pair
    neighbours: dict[str, sparse.csr_matrix]  # per view: row-normalised neighbour weights
    window: float  # days; pairs further apart are never compared (inf: no limit)


def block_sims(p: Profiles, rows: np.ndarray, cols: np.ndarray) -> dict[str, np.ndarray]:
    """Cosines of every (row, col) pair in the three views, as dense float32 blocks."""
    return {
        "words": (p.words[rows] @ p.words[cols].T).toarray().astype(np.float32, copy=False),
        "meaning": p.meaning[rows] @ p.meaning[cols].T,
        "names": (p.names[rows] @ p.names[cols].T).toarray().astype(np.float32, copy=False),
    }


def day_gap(days: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Absolute distance in days; NaN where either date is unknown."""
    return np.abs(days[rows][:, None] - days[cols][None, :])


def _top(masked: np.ndarray, k: int) -> np.ndarray:
    """Column positions of the k largest finite values per row, best first (-1 pads)."""
    k = min(k, masked.shape[1])
    if k == 0:
        return np.full((masked.shape[0], 0), -1)
    part = np.argpartition(-masked, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(masked, part, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    part = np.take_along_axis(part, order, axis=1)
    picked = np.take_along_axis(picked, order, axis=1)
    return np.where(np.isfinite(picked), part, -1)


def _columns(p: Profiles, rows: np.ndarray, by_day: np.ndarray, window: float) -> np.ndarray:
    n = len(p.ids)
    days = p.days[rows]
    if not math.isfinite(window) or np.isnan(days).any():
        return np.arange(n)
    sorted_days = p.days[by_day]
    dated = int(np.count_nonzero(~np.isnan(sorted_days)))
    lo = np.searchsorted(sorted_days[:dated], days.min() - window, side="left")
    hi = np.searchsorted(sorted_days[:dated], days.max() + window, side="right")
    return np.sort(np.concatenate([by_day[lo:hi], by_day[dated:]]))


def _blocks(
    p: Profiles, by_day: np.ndarray, window: float
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Rows to compare and the columns they need, small enough to hold a few dense copies."""
    for start in range(0, len(by_day), BLOCK):
        rows = by_day[start : start + BLOCK]
        cols = _columns(p, rows, by_day, window)
        step = max(1, CELLS // max(len(cols), 1))
        for sub in range(0, len(rows), step):
            yield rows[sub : sub + step], cols


def scan(p: Profiles, window_days: float) -> Scan:
    n = len(p.ids)
    exact = n <= EXACT_LIMIT
    window = math.inf if exact else float(window_days)
    by_day = np.argsort(np.where(np.isnan(p.days), np.inf, p.days), kind="stable")
    pair_i: list[np.ndarray] = []
    pair_j: list[np.ndarray] = []
    pair_sims: dict[str, list[np.ndarray]] = {k: [] for k in KINDS}
    near: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {k: [] for k in KINDS}
    for rows, cols in _blocks(p, by_day, window):
        sims = block_sims(p, rows, cols)
        valid = cols[None, :] != rows[:, None]
        if not exact:
            gap = day_gap(p.days, rows, cols)
            valid &= ~(gap > window)  # NaN (undated) compares False: kept
        keep = np.zeros_like(valid) if not exact else valid & (cols[None, :] > rows[:, None])
        for kind in KINDS:
            wide = not exact and kind != "names"
            top = _top(np.where(valid, sims[kind], -np.inf), CANDIDATES if wide else NEIGHBOURS)
            if wide:
                r, c = np.nonzero(top >= 0)
                keep[r, top[r, c]] = True
            top = top[:, :NEIGHBOURS]
            r, c = np.nonzero(top >= 0)
            picked = top[r, c]
            near[kind].append((rows[r], cols[picked], sims[kind][r, picked]))
        keep &= sims["words"] > MIN_WORDS
        r, c = np.nonzero(keep)
        a, b = rows[r], cols[c]
        pair_i.append(np.minimum(a, b))
        pair_j.append(np.maximum(a, b))
        for kind in KINDS:
            pair_sims[kind].append(sims[kind][r, c])
    i = np.concatenate(pair_i) if pair_i else np.zeros(0, dtype=np.int64)
    j = np.concatenate(pair_j) if pair_j else np.zeros(0, dtype=np.int64)
    flat = {k: np.concatenate(v) if v else np.zeros(0, np.float32) for k, v in pair_sims.items()}
    _, first = np.unique(i * n + j, return_index=True)  # large inputs find pairs from both ends
    return Scan(
        i=i[first],
        j=j[first],
        sims={k: v[first] for k, v in flat.items()},
        neighbours={k: _neighbour_matrix(n, near[k]) for k in KINDS},
        window=window,
    )


def _neighbour_matrix(
    n: int, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> sparse.csr_matrix:
    rows = np.concatenate([p[0] for p in parts] + [np.arange(n)])
    cols = np.concatenate([p[1] for p in parts] + [np.arange(n)])
    vals = np.concatenate([np.clip(p[2], 0, None) for p in parts] + [np.ones(n, np.float32)])
    matrix = sparse.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(n, n))
    return normalize(matrix)


def row_dots(matrix: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """matrix[i] . matrix[j] for each pair, in chunks so memory stays bounded."""
    out = np.zeros(len(i), dtype=np.float32)
    step = 200_000
    for s in range(0, len(i), step):
        a = matrix[i[s : s + step]]
        b = matrix[j[s : s + step]]
        out[s : s + step] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


def masses(marks: sparse.csr_matrix) -> np.ndarray:
    """Each text's IDF mass under profiles' marks (row i . row i)."""
    return np.asarray(marks.multiply(marks).sum(axis=1), dtype=np.float64).ravel()


def overlap(shared: np.ndarray, mass_a: np.ndarray, mass_b: np.ndarray) -> np.ndarray:
    """Shared IDF mass over the smaller text's: a brief is contained in the long report of its
    event, where cosine would count everything the long one adds against the pair."""
    smaller = np.minimum(mass_a, mass_b)
    return np.where(smaller > 0, shared / np.maximum(smaller, 1e-12), 0.0).astype(np.float32)
