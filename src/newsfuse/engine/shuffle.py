"""Near-duplicate candidates on Dask: LSH banding as a hash shuffle of (band, key) records.

Each partition's signatures stay on the worker that made them. A map task turns them into
(band, key, global index) records and splits them by a hash of the key into `shards`
pieces; one reduce task per shard gathers its piece from every partition, so all members of
a bucket meet in one place, and emits the bucket's pairs with the local engine's rule
(`dedup.near.bucket_pairs`). Only these small records move between workers; the client
gets candidate pairs back and verifies them against the signatures it already holds.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from newsfuse.dedup.near import band_keys, bucket_pairs
from newsfuse.engine.tasks import Part

RECORD = np.dtype([("band", np.uint32), ("key", np.uint64), ("index", np.int64)])
_MIX = np.uint64(0x9E3779B97F4A7C15)


def split_part(part: Part, index: np.ndarray, bands: int, shards: int) -> list[np.ndarray]:
    """Band records of the partition's rows with index >= 0 (others are not in the run)."""
    keep = index >= 0
    sigs = part.sigs[keep]
    n = len(sigs)
    records = np.empty(n * bands, dtype=RECORD)
    if n:
        keys = band_keys(sigs, bands)
        records["band"] = np.tile(np.arange(bands, dtype=np.uint32), n)
        records["key"] = keys.ravel()
        records["index"] = np.repeat(index[keep], bands)
    with np.errstate(over="ignore"):
        target = ((records["key"] * _MIX) >> np.uint64(40)) % np.uint64(shards)
    order = np.argsort(target, kind="stable")
    bounds = np.searchsorted(target[order], np.arange(shards + 1, dtype=np.uint64))
    return [records[order[bounds[s] : bounds[s + 1]]] for s in range(shards)]


def piece(pieces: list[np.ndarray], shard: int) -> np.ndarray:
    """One shard's records of one partition (a tiny task next to the split's result)."""
    return pieces[shard]


def shard_pairs(*pieces: np.ndarray) -> np.ndarray:
    """Candidate pairs (i < j, unique) of every bucket whose records are in this shard."""
    records = np.concatenate(pieces) if pieces else np.empty(0, dtype=RECORD)
    if len(records) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    records = records[np.lexsort((records["index"], records["key"], records["band"]))]
    same = (records["band"][1:] == records["band"][:-1]) & (
        records["key"][1:] == records["key"][:-1]
    )
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], len(records)]
    found: set[tuple[int, int]] = set()
    for s, e in zip(starts, ends, strict=True):
        if e - s > 1:
            found.update(bucket_pairs([int(i) for i in records["index"][s:e]]))
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 2)


def candidate_pairs(
    client: Any, parts: list[Any], indexes: list[np.ndarray], bands: int, shards: int
) -> set[tuple[int, int]]:
    """The pairs `dedup.near.candidate_pairs` finds over all rows, computed as a shuffle.

    `parts` are futures of Part, `indexes` the global row index of each of their rows
    (-1: leave the row out).
    """
    splits = [
        client.submit(split_part, part, index, bands, shards, pure=False)
        for part, index in zip(parts, indexes, strict=True)
    ]
    reducers = []
    for shard in range(shards):
        inputs = [client.submit(piece, split, shard, pure=False) for split in splits]
        reducers.append(client.submit(shard_pairs, *inputs, pure=False))
    pairs: set[tuple[int, int]] = set()
    for found in client.gather(reducers):
        pairs.update((int(i), int(j)) for i, j in found)
    return pairs
