"""From pair probabilities to groups: average linkage, cut where "same event" stops being likely.

Average linkage merges two groups only when their pairs are on average more likely the same
event than not, so one strong but misleading pair (two rehab stories sharing a clinic) cannot
chain two events together. Groups can only merge across a pair that clears the cut, so the
graph of such pairs splits the work into independent components; each is linked exactly with
a dense matrix of its own, which keeps 100,000 articles cheap.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from newsfuse.cluster import scorer
from newsfuse.cluster.evidence import Judge, judge
from newsfuse.cluster.pairs import Scan
from newsfuse.cluster.profiles import Profiles

MAX_DENSE = 3000  # larger components are split on stronger pairs before linking


def average_link(prob: np.ndarray, cut: float) -> list[list[int]]:
    """Groups (positions into prob) whose average-linkage distance 1 - p stays below cut."""
    m = prob.shape[0]
    if m == 1:
        return [[0]]
    if m == 2:  # one pair: linkage would only compare it with the cut
        return [[0, 1]] if 1.0 - prob[0, 1] <= cut else [[0], [1]]
    dist = 1.0 - (prob + prob.T) / 2.0
    condensed = np.clip(dist[np.triu_indices(m, 1)], 0.0, 1.0)
    labels = fcluster(linkage(condensed, method="average"), t=cut, criterion="distance")
    groups: dict[int, list[int]] = {}
    for pos, label in enumerate(labels):
        groups.setdefault(int(label), []).append(pos)
    return sorted(groups.values())


def _components(n: int, i: np.ndarray, j: np.ndarray) -> list[np.ndarray]:
    graph = coo_matrix((np.ones(len(i), dtype=np.int8), (i, j)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    return [order[bounds[c] : bounds[c + 1]] for c in range(count)]


def _pieces(
    members: np.ndarray, i: np.ndarray, j: np.ndarray, prob: np.ndarray, level: float
) -> list[np.ndarray]:
    """Split a component too big to link densely along ever stronger pairs."""
    if len(members) <= MAX_DENSE or level >= 0.999:
        return [members]
    local = {int(a): k for k, a in enumerate(members)}
    strong = prob >= level
    li = np.array([local[int(a)] for a in i[strong]], dtype=np.int64)
    lj = np.array([local[int(b)] for b in j[strong]], dtype=np.int64)
    out: list[np.ndarray] = []
    for comp in _components(len(members), li, lj):
        sub = members[comp]
        inside = np.isin(i, sub) & np.isin(j, sub)
        out += _pieces(sub, i[inside], j[inside], prob[inside], level + (1 - level) / 2)
    return out


SMALL = 48  # components up to this size are scored together as one batch of pairs


def _small_blocks(judged: Judge, comps: list[np.ndarray]) -> list[np.ndarray]:
    """Probability matrices of many small components from one vectorised pass."""
    firsts, seconds, owner = [], [], []
    for k, comp in enumerate(comps):
        a, b = np.triu_indices(len(comp), 1)
        firsts.append(comp[a])
        seconds.append(comp[b])
        owner.append(np.full(len(a), k))
    if not comps:
        return []
    prob = judged.pairs(np.concatenate(firsts), np.concatenate(seconds))
    out: list[np.ndarray] = []
    start = 0
    for comp in comps:
        m = len(comp)
        block = np.zeros((m, m))
        count = m * (m - 1) // 2
        block[np.triu_indices(m, 1)] = prob[start : start + count]
        start += count
        out.append(block + block.T)
    return out


def group(
    p: Profiles, scan: Scan, weights: scorer.Weights, cut: float
) -> list[tuple[list[int], np.ndarray]]:
    """Stories as (sorted article positions, their pair probability matrix), by first position."""
    n = len(p.ids)
    judged = judge(p, scan, weights)
    prob = judged.scan_prob
    joined = prob >= 1.0 - cut
    i, j, prob = scan.i[joined], scan.j[joined], prob[joined]
    pieces: list[np.ndarray] = []
    result: list[tuple[list[int], np.ndarray]] = []
    for comp in _components(n, i, j):
        if len(comp) == 1:
            result.append(([int(comp[0])], np.zeros((1, 1))))
        elif len(comp) <= SMALL:
            pieces.append(np.sort(comp))
        else:
            inside = np.isin(i, comp)
            pieces += _pieces(np.sort(comp), i[inside], j[inside], prob[inside], 1.0 - cut)
    small = [c for c in pieces if len(c) <= SMALL]
    blocks = _small_blocks(judged, small)
    blocks += [judged.block(c) for c in pieces if len(c) > SMALL]
    for piece, block in zip(small + [c for c in pieces if len(c) > SMALL], blocks, strict=True):
        for g in average_link(block, cut):
            result.append(([int(piece[k]) for k in g], block[np.ix_(g, g)]))
    return sorted(result, key=lambda r: r[0])
