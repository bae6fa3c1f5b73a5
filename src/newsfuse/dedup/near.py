"""Near-duplicate candidates by LSH banding of MinHash signatures.

Banding is done here with numpy rather than inside an index object because the same step
must run as a shuffle on Dask: band keys are plain integers that any engine can group.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

BUCKET_CAP = 64  # beyond this a bucket pairs every member with its first only


def band_keys(signatures: np.ndarray, bands: int) -> np.ndarray:
    """One 64-bit key per (article, band); equal keys mean the band's rows are identical."""
    n, perms = signatures.shape
    rows = perms // bands
    sig = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    keys: np.ndarray = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            keys = keys * np.uint64(1_000_003) + sig[:, :, r]
        keys = keys * np.uint64(31) + np.arange(bands, dtype=np.uint64)  # bands never collide
    return keys


def candidate_pairs(signatures: np.ndarray, bands: int) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share at least one band."""
    pairs: set[tuple[int, int]] = set()
    if len(signatures) < 2:
        return pairs
    keys = band_keys(signatures, bands)
    for b in range(keys.shape[1]):
        buckets: dict[int, list[int]] = defaultdict(list)
        column = keys[:, b]
        order = np.argsort(column, kind="stable")
        sorted_keys = column[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(order)]
        for s, e in zip(starts, ends, strict=True):
            if e - s > 1:
                buckets[int(s)] = sorted(int(i) for i in order[s:e])
        for members in buckets.values():
            pairs.update(bucket_pairs(members))
    return pairs


def bucket_pairs(members: list[int]) -> list[tuple[int, int]]:
    """Pairs of one bucket (members sorted): all of them, or first-with-each when huge."""
    if len(members) > BUCKET_CAP:
        return [(members[0], m) for m in members[1:]]
    return [(a, b) for k, a in enumerate(members) for b in members[k + 1 :]]


def similarity(signatures: np.ndarray, i: int, j: int) -> float:
    """Estimated Jaccard similarity of the shingle sets of articles i and j."""
    return float(np.mean(signatures[i] == signatures[j]))
