"""The dedup index: what must stay in memory per article to find its copies among all others.

Per article it keeps its rank (date, length, id: which copy is the original) and an 8-byte
exact key; per distinct text one MinHash signature (4 bytes x minhash_permutations). The
texts themselves are not kept, so reading, cleaning and fingerprinting can stream and only
this index grows with the input (docs/PERFORMANCE.md gives the bytes per article).
"""

from __future__ import annotations

from array import array

import numpy as np

from newsfuse.dedup.near import candidate_array, similarities
from newsfuse.settings import Settings

BANDS = 32  # 32 bands x 4 rows: finds pairs from Jaccard ~0.5 up, rarely misses >= 0.8
Rank = tuple[bool, str, int, str]  # (undated, published, -length, id): smallest is original


class DedupIndex:
    """Add articles in batches (rank, exact key), then signatures of the new texts; resolve."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.ranks: list[Rank] = []
        self.texts = array("q")  # per article: which distinct text (row of `rows`) it has
        self.first_of: dict[str, int] = {}  # exact key -> distinct text number
        self.rows: list[np.ndarray] = []  # signature blocks, one row per distinct text
        self.pending = 0  # distinct texts added whose signatures have not arrived yet

    def __len__(self) -> int:
        return len(self.ranks)

    def add(self, ranks: list[Rank], keys: list[str]) -> list[int]:
        """Add a batch; returns the positions in it of texts not seen before, in order.

        The caller sends their signatures next (add_signatures), in that order; copies of a
        text already indexed need none.
        """
        new: list[int] = []
        for pos, key in enumerate(keys):
            number = self.first_of.get(key)
            if number is None:
                number = self.first_of[key] = len(self.first_of)
                new.append(pos)
            self.texts.append(number)
        self.ranks.extend(ranks)
        self.pending += len(new)
        return new

    def add_signatures(self, block: np.ndarray) -> None:
        if len(block) != self.pending:
            raise ValueError(f"expected {self.pending} signatures, got {len(block)}")
        if len(block):
            self.rows.append(np.ascontiguousarray(block, dtype=np.uint32))
        self.pending = 0

    def nbytes(self) -> int:
        """Approximate memory of the index (arrays, key dict, rank tuples).

        Per article: the rank tuple with its id and date strings, a list slot, an array
        slot (~240 bytes, tracemalloc agrees within 10%); per distinct text: its signature
        and its key in the dict (~630 bytes with 128 permutations).
        """
        sig = sum(r.nbytes for r in self.rows)
        per_rank = 88 + 2 * 64 + 8  # tuple + two short strings (date, id) + list slot
        return (
            sig
            + self.texts.itemsize * len(self.texts)
            + 100 * len(self.first_of)
            + (per_rank * len(self.ranks))
        )

    def resolve(self, candidates: np.ndarray | None = None) -> list[tuple[int, float | None]]:
        """Per article (in insertion order): (index of its original, score), or (-1, None).

        `candidates` are pairs of distinct-text numbers to verify, for an engine that banded
        elsewhere (the Dask shuffle); by default the index bands its own signatures. Either
        way this is the one place where copies are joined into groups.
        """
        n = len(self.ranks)
        if n == 0:
            return []
        if self.pending:
            raise ValueError("signatures of the last batch were not added")
        sigs = np.concatenate(self.rows) if self.rows else np.zeros((0, 1), np.uint32)
        order = sorted(range(n), key=self.ranks.__getitem__)
        best: dict[int, int] = {}  # distinct text -> best-ranked article with it
        for i in order:
            best.setdefault(self.texts[i], i)
        position = np.empty(n, dtype=np.int64)
        position[order] = np.arange(n)
        # Union-find over distinct texts, each rooted at its best-ranked article.
        parent = list(range(len(sigs)))

        def root(t: int) -> int:
            while parent[t] != t:
                parent[t] = parent[parent[t]]
                t = parent[t]
            return t

        pairs = candidate_array(sigs, BANDS) if candidates is None else candidates
        near = pairs[similarities(sigs, pairs) >= self.settings.near_duplicate_threshold]
        for a, b in near.tolist():
            ra, rb = root(a), root(b)
            if ra != rb:
                if position[best[ra]] < position[best[rb]]:
                    parent[rb] = ra
                else:
                    parent[ra] = rb
        return self._originals(sigs, [root(t) for t in range(len(sigs))], best)

    def _originals(
        self, sigs: np.ndarray, roots: list[int], best: dict[int, int]
    ) -> list[tuple[int, float | None]]:
        """Each article's original (the best of its group) and estimated Jaccard with it."""
        n = len(self.ranks)
        text = np.frombuffer(self.texts, dtype=np.int64)
        top = np.asarray(roots, dtype=np.int64)[text]
        original = np.asarray([best[t] for t in range(len(roots))], dtype=np.int64)[top]
        score = np.where(original == np.arange(n), np.nan, 1.0)
        near = np.flatnonzero((original != np.arange(n)) & (top != text))
        pairs = np.stack([text[near], top[near]], axis=1)
        score[near] = np.round(similarities(sigs, pairs), 3)
        return [
            (-1, None) if o == i else (o, s)
            for i, (o, s) in enumerate(zip(original.tolist(), score.tolist(), strict=True))
        ]
