"""Near-duplicate candidates by LSH banding of MinHash signatures.

Banding is done here with numpy rather than inside an index object because the same step
must run as a shuffle on Dask: band keys are plain integers that any engine can group.
Pairs come out as one int64 array per band, built with array operations only (no Python
loop over buckets), so banding 100,000 signatures takes well under a second.
"""

from __future__ import annotations

import numpy as np

BUCKET_CAP = 64  # beyond this a bucket pairs every member with its first only
_SIMILARITY_CHUNK = 65_536  # pairs compared at once: bounds the temporary arrays


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


def _band_pairs(column: np.ndarray) -> np.ndarray:
    """Pairs (i < j) sharing a key in one band, as codes i * 2**32 + j."""
    order = np.argsort(column, kind="stable")  # equal keys keep index order: i < j below
    ranked = column[order]
    same = ranked[1:] == ranked[:-1]
    if not same.any():
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, ~same])
    sizes = np.diff(np.r_[starts, len(order)])
    shared = sizes > 1  # most articles are alone in most bands: drop them first
    group = np.repeat(np.arange(int(shared.sum())), sizes[shared])
    idx = order[np.repeat(shared, sizes)].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = sizes[shared]
    size_at = sizes[group]
    found = []
    big = size_at > BUCKET_CAP  # a huge bucket: every member with its first only
    if big.any():
        first = idx[starts[group]]
        members = big & (np.arange(len(idx)) != starts[group])
        found.append((first[members] << 32) | idx[members])
    small_max = int(sizes[sizes <= BUCKET_CAP].max(initial=1))
    for d in range(1, small_max):  # members d apart in the same small bucket
        a, b = np.arange(len(idx) - d), np.arange(d, len(idx))
        keep = (group[a] == group[b]) & ~big[a]
        if not keep.any():
            break  # no bucket has more than d members
        found.append((idx[a[keep]] << 32) | idx[b[keep]])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def candidate_array(signatures: np.ndarray, bands: int) -> np.ndarray:
    """Unique index pairs (i < j) that share at least one band, shape (m, 2), sorted."""
    if len(signatures) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = band_keys(signatures, bands)
    codes = np.unique(np.concatenate([_band_pairs(keys[:, b]) for b in range(bands)]))
    return np.stack([codes >> 32, codes & 0xFFFFFFFF], axis=1)


def candidate_pairs(signatures: np.ndarray, bands: int) -> set[tuple[int, int]]:
    """Index pairs (i < j) that share at least one band."""
    return {(int(i), int(j)) for i, j in candidate_array(signatures, bands)}


def similarities(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of each pair's shingle sets."""
    out = np.empty(len(pairs), dtype=np.float64)
    for s in range(0, len(pairs), _SIMILARITY_CHUNK):
        chunk = pairs[s : s + _SIMILARITY_CHUNK]
        out[s : s + len(chunk)] = np.mean(
            signatures[chunk[:, 0]] == signatures[chunk[:, 1]], axis=1
        )
    return out


def similarity(signatures: np.ndarray, i: int, j: int) -> float:
    """Estimated Jaccard similarity of the shingle sets of articles i and j."""
    return float(np.mean(signatures[i] == signatures[j]))


def bucket_pairs(members: list[int]) -> list[tuple[int, int]]:
    """Pairs of one bucket (members sorted), as _band_pairs makes them: the Dask shuffle's."""
    if len(members) > BUCKET_CAP:
        return [(members[0], m) for m in members[1:]]
    return [(a, b) for k, a in enumerate(members) for b in members[k + 1 :]]
