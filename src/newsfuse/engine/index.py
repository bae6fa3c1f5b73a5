"""The in-memory dedup/cluster index of incremental ingest, reloaded from the store.

New articles must be compared with everything stored, but re-reading and re-fingerprinting
every stored text per batch would make an ingest cost grow with the database. So the index
keeps, per article within the retention window, what the comparisons need: the exact key,
the MinHash signature (banded into sorted numpy keys), the day and the raw embedding. Per
article that is 2.34 KB with model2vec (measured) and ~2.85 KB with MiniLM, at 128
permutations (docs/INCREMENTAL.md has the parts). Entries whose retention day is
more than `index_days` before the newest one are evicted; they stay in the database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from newsfuse.dedup import BANDS
from newsfuse.dedup.near import band_keys
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.store.incremental import IndexRow, read_days, read_index


class OnlineIndex:
    def __init__(self, permutations: int, dim: int, index_days: int, encoder: str) -> None:
        self.permutations = permutations
        self.dim = dim
        self.encoder = encoder  # stored embeddings of another encoder are not comparable
        self.index_days = index_days
        self.ids: list[str] = []
        self.days = np.zeros(0, dtype=np.float64)  # NaN: undated
        self.keep = np.zeros(0, dtype=np.float64)  # retention day; NaN: never evicted
        self.sigs = np.zeros((0, permutations), dtype=np.uint32)
        self.meaning = np.zeros((0, dim), dtype=np.float32)
        self.has_meaning = np.zeros(0, dtype=bool)
        self.copy = np.zeros(0, dtype=bool)
        self.exact_keys: list[str] = []
        self._exact: dict[str, list[int]] = {}
        self._pos: dict[str, int] = {}
        self._keys = np.zeros(0, dtype=np.uint64)  # band keys, sorted
        self._owner = np.zeros(0, dtype=np.int64)  # row of each sorted band key

    # -- loading and changing ------------------------------------------------------------------

    @classmethod
    def load(cls, store: Store, settings: Settings) -> OnlineIndex:
        from newsfuse.embed.encoder import get_encoder
        from newsfuse.store.incremental import newest_keep_day

        dim = get_encoder(settings.encoder, settings.cache_dir).dim
        index_days = settings.index_days
        index = cls(settings.minhash_permutations, dim, index_days, settings.encoder)
        newest = store.read_with(newest_keep_day)
        since = None if newest is None or index_days <= 0 else newest - index_days
        index.add(store.read_with(lambda conn: list(read_index(conn, since))))
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def newest(self) -> float | None:
        kept = self.keep[~np.isnan(self.keep)]
        return float(kept.max()) if len(kept) else None

    def add(self, rows: Sequence[IndexRow]) -> None:
        """Append rows (replacing rows of the same article), then rebuild the band table."""
        if not rows:
            return
        replaced = {r.article_id for r in rows}
        if replaced & set(self.ids):
            self._keep(np.array([a not in replaced for a in self.ids], dtype=bool))
        sigs = np.stack([np.frombuffer(r.signature, dtype=np.uint32) for r in rows])
        meaning = np.zeros((len(rows), self.dim), dtype=np.float32)
        has = np.zeros(len(rows), dtype=bool)
        for k, r in enumerate(rows):
            if r.meaning is not None and r.encoder == self.encoder:
                meaning[k] = np.frombuffer(r.meaning, dtype=np.float32)
                has[k] = True
        self.ids += [r.article_id for r in rows]
        self.exact_keys += [r.exact_key for r in rows]
        self.days = np.concatenate([self.days, [_nan(r.day) for r in rows]])
        self.keep = np.concatenate([self.keep, [_nan(r.keep_day) for r in rows]])
        self.sigs = np.concatenate([self.sigs, sigs])
        self.meaning = np.concatenate([self.meaning, meaning])
        self.has_meaning = np.concatenate([self.has_meaning, has])
        self.copy = np.concatenate([self.copy, [r.duplicate_of is not None for r in rows]])
        self._rebuild()

    def set_copies(self, flags: dict[str, bool]) -> None:
        for article_id, flag in flags.items():
            if article_id in self._pos:
                self.copy[self._pos[article_id]] = flag

    def set_meaning(self, vectors: dict[str, np.ndarray]) -> None:
        for article_id, vector in vectors.items():
            if article_id in self._pos:
                self.meaning[self._pos[article_id]] = vector
                self.has_meaning[self._pos[article_id]] = True

    def recall(self, store: Store, days: Iterable[float], window: float) -> int:
        """Reload evicted rows within `window` days of late-arriving reports (dated before
        the retention cut), so arrival order does not decide what they are compared with;
        the next evict() drops them again."""
        newest = self.newest()
        if self.index_days <= 0 or newest is None:
            return 0
        cut = newest - self.index_days
        late = sorted(d for d in days if not math.isnan(d) and d - window < cut)
        ranges: list[list[float]] = []
        for d in late:
            if ranges and d - window <= ranges[-1][1]:
                ranges[-1][1] = d + window
            else:
                ranges.append([d - window, d + window])
        rows = []
        for lo, hi in ranges:
            rows += store.read_with(read_days, lo, min(hi, cut))
        fresh = [r for r in rows if r.article_id not in self._pos]
        self.add(fresh)
        return len(fresh)

    def evict(self) -> int:
        """Drop rows older than the retention window; returns how many went."""
        newest = self.newest()
        if self.index_days <= 0 or newest is None:
            return 0
        old = self.keep < newest - self.index_days  # NaN compares False: kept
        if not old.any():
            return 0
        self._keep(~old)
        self._rebuild()
        return int(old.sum())

    def _keep(self, mask: np.ndarray) -> None:
        self.ids = [a for a, k in zip(self.ids, mask, strict=True) if k]
        self.exact_keys = [e for e, k in zip(self.exact_keys, mask, strict=True) if k]
        self.days, self.keep, self.sigs = self.days[mask], self.keep[mask], self.sigs[mask]
        self.meaning, self.has_meaning = self.meaning[mask], self.has_meaning[mask]
        self.copy = self.copy[mask]

    def _rebuild(self) -> None:
        keys = band_keys(self.sigs, BANDS) if len(self.ids) else np.zeros((0, BANDS), np.uint64)
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")
        self._keys = flat[order]
        self._owner = (order // BANDS).astype(np.int64)
        self._exact = {}
        for row, key in enumerate(self.exact_keys):
            self._exact.setdefault(key, []).append(row)
        self._pos = {a: r for r, a in enumerate(self.ids)}

    # -- lookups -------------------------------------------------------------------------------

    def near(self, exact_keys: Iterable[str], signatures: np.ndarray) -> set[str]:
        """Stored articles sharing an exact key or an LSH band with any of the given texts."""
        if not self.ids:
            return set()
        rows: set[int] = set()
        for key in exact_keys:
            rows.update(self._exact.get(key, ()))
        if len(signatures):
            keys = band_keys(signatures, BANDS).ravel()
            lo = np.searchsorted(self._keys, keys, side="left")
            hi = np.searchsorted(self._keys, keys, side="right")
            for a, b in zip(lo[hi > lo], hi[hi > lo], strict=True):
                rows.update(int(r) for r in self._owner[a:b])
        return {self.ids[r] for r in rows}

    def neighbours(self, vectors: np.ndarray, days: np.ndarray, k: int, window: float) -> set[str]:
        """Ids of the k stored originals closest in meaning to each vector, within `window`."""
        rows = np.flatnonzero(self.has_meaning & ~self.copy)
        if not len(rows) or not len(vectors):
            return set()
        found: set[int] = set()
        for start in range(0, len(vectors), 256):
            block = vectors[start : start + 256]
            sims = block @ self.meaning[rows].T
            if math.isfinite(window):
                gap = np.abs(days[start : start + 256, None] - self.days[rows][None, :])
                sims[gap > window] = -np.inf  # NaN (undated) compares False: kept
            top = min(k, sims.shape[1])
            best = np.argpartition(-sims, top - 1, axis=1)[:, :top]
            picked = np.take_along_axis(sims, best, axis=1)
            found.update(int(rows[c]) for c in best[np.isfinite(picked)])
        return {self.ids[r] for r in found}

    def vector(self, article_id: str) -> np.ndarray | None:
        row = self._pos.get(article_id)
        return None if row is None or not self.has_meaning[row] else self.meaning[row]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._pos


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)
