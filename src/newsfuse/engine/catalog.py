"""What the streaming engine keeps per stored article between its passes over the store.

One entry per article, in insertion (seq) order: the dedup index's rank (date, length, id),
which distinct text it has and one MinHash signature per distinct text (DedupIndex), plus
its source name. No text: after dedup this is enough to know every article's original, and
with the originals' profiles (engine/compact.py) enough to cluster. Dates and sources repeat
across articles, so one string object of each is shared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from newsfuse.dedup import DedupIndex, Fingerprints, fingerprint, index_batch
from newsfuse.errors import StoreError
from newsfuse.settings import Settings
from newsfuse.store import Store, pages

PAGE = 2_000  # articles read from the store at once when indexing what it holds

Link = tuple[str | None, float | None]  # duplicate_of, duplicate_score


class Catalog:
    """Fill with add(), then resolve(): from then on it answers id, published and links per
    position, and the index (ranks, signatures) is gone."""

    def __init__(self, settings: Settings) -> None:
        self.index = DedupIndex(settings)
        self.sources: list[str] = []
        self._shared: dict[str, str] = {}
        self.ids: list[str] = []
        self.dates: list[str | None] = []
        self.links: list[Link] = []

    def __len__(self) -> int:
        return len(self.sources)

    def add(self, batch: Fingerprints, keep: Sequence[int], sources: Sequence[str]) -> None:
        """The rows `keep` of a fingerprinted batch (in that order), with their sources."""
        share = self._shared.setdefault
        ranks = batch.ranks
        for i in keep:  # dates repeat: one string per date, not per article
            undated, published, length, article_id = ranks[i]
            ranks[i] = (undated, share(published, published), length, article_id)
        index_batch(self.index, batch, keep)
        self.sources.extend(share(s, s) for s in sources)

    def id(self, position: int) -> str:
        return self.ids[position]

    def published(self, position: int) -> str | None:
        return self.dates[position]

    def resolve(self) -> None:
        """Every article's duplicate link. Only ids and dates of the ranks are needed after
        this (the lengths and the signatures are not): ~100 bytes less per article."""
        resolved = self.index.resolve()
        ranks = self.index.ranks
        self.ids = [r[3] for r in ranks]
        self.dates = [None if r[0] else r[1] for r in ranks]
        self.index = DedupIndex(self.index.settings)
        self.links = [
            (None, None) if original < 0 else (self.ids[original], score)
            for original, score in resolved
        ]

    def originals(self) -> list[int]:
        return [k for k, (original, _) in enumerate(self.links) if original is None]


def from_store(store: Store, settings: Settings) -> Catalog:
    """Fingerprint everything stored, in insertion order, a page at a time."""
    catalog = Catalog(settings)
    seq = 0
    while page := store.read_with(pages.articles_after, seq, PAGE):
        seq = page[-1][0]
        articles = [a for _, a in page]
        prints = fingerprint(articles, settings.minhash_permutations)
        catalog.add(prints, range(len(articles)), [a.source for a in articles])
    return catalog


def write_links(store: Store, catalog: Catalog) -> None:
    """Store the links that differ from what the database holds, in one transaction."""
    store.update_duplicates(_changed(store, catalog))


def _changed(store: Store, catalog: Catalog) -> Iterator[tuple[str, str | None, float | None]]:
    position, seq = 0, 0
    while page := store.read_with(pages.links_after, seq, PAGE):
        seq = page[-1][0]
        for _, (article_id, duplicate_of, score) in page:
            if position >= len(catalog) or catalog.id(position) != article_id:
                raise StoreError(f"{store.path}: articles changed while the run was reading them")
            link = catalog.links[position]
            if (duplicate_of, score) != link:
                yield (article_id, *link)
            position += 1
    if position != len(catalog):
        raise StoreError(f"{store.path}: articles changed while the run was reading them")
