"""What clustering needs of each article, built from the store without holding its text.

Originals are read from the store a block at a time, in id order (the order cluster()
works in), and each leaves behind only a compact profile: its TF-IDF terms as numbers into
one shared vocabulary with their counts, its names, its embedding, its day and its headline.
From these, cluster.profiles.assemble() makes exactly the Profiles that profiles.build()
makes from the texts (the word view re-reads each article's kept terms, in their order, so
sklearn counts them as it would have counted the text). Copies need no profile: they join
their original's story and clustering needs their id, date, source and link only.

Per original that is 8 bytes per distinct term (~100-150 in a 2,000-character lead), the
embedding (4 bytes x 256 for model2vec, x 384 for MiniLM), its names and a headline.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import repeat
from typing import overload

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsfuse.cluster.explain import headline
from newsfuse.cluster.profiles import Profiles, assemble, day_of, keyed_names, text_of
from newsfuse.embed.encoder import get_encoder
from newsfuse.engine.catalog import Catalog
from newsfuse.model import Article
from newsfuse.settings import Settings
from newsfuse.store import Store

# Originals per block. Up to this many are encoded in one call, as profiles.build() does:
# MiniLM's batching may change the last bits of a vector, so identical output beyond one
# block holds for model2vec (each text on its own) and within a block for MiniLM.
BLOCK = 20_000
_EMPTY_LIST: list[str] = []  # shared by every light article: nothing reads or changes them
_EMPTY_DICT: dict[str, object] = {}


class Terms(Sequence[str]):
    """Per original, a text of its kept TF-IDF terms, each repeated by its count in order
    of first use: the TF-IDF vectorizer tokenises it back to exactly the original's counts."""

    def __init__(self) -> None:
        self.vocabulary: dict[str, int] = {}
        self.words: list[str] = []
        self.ids = array("i")
        self.counts = array("I")
        self.offsets = array("q", [0])

    def add(self, tokens: list[str]) -> None:
        counts: dict[int, int] = {}
        vocabulary, words = self.vocabulary, self.words
        for token in tokens:
            number = vocabulary.get(token)
            if number is None:
                number = vocabulary[token] = len(words)
                words.append(token)
            counts[number] = counts.get(number, 0) + 1
        self.ids.extend(counts.keys())
        self.counts.extend(counts.values())
        self.offsets.append(len(self.ids))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, k: int) -> str: ...

    @overload
    def __getitem__(self, k: slice) -> list[str]: ...

    def __getitem__(self, k: int | slice) -> str | list[str]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        start, end = self.offsets[k], self.offsets[k + 1]
        words = self.words
        return " ".join(
            w
            for n, c in zip(self.ids[start:end], self.counts[start:end], strict=True)
            for w in repeat(words[n], c)
        )

    def __iter__(self) -> Iterator[str]:
        return (self[k] for k in range(len(self)))


def build(store: Store, catalog: Catalog, settings: Settings) -> tuple[Profiles, list[Article]]:
    """Profiles of the originals (id order) and light articles of everything stored."""
    originals = sorted(catalog.originals(), key=catalog.id)
    ids = [catalog.id(k) for k in originals]
    analyse = TfidfVectorizer(stop_words="english").build_analyzer()  # as profiles' word view
    encoder = get_encoder(settings.encoder, settings.cache_dir)  # callers skip an empty store
    terms = Terms()
    keyed: list[dict[str, str]] = []
    names: dict[str, str] = {}  # one string per distinct name
    raw = np.zeros((len(ids), encoder.dim), dtype=np.float32)
    days = np.array([day_of(catalog.published(k)) for k in originals], dtype=np.float64)
    headlines: dict[int, str] = {}
    for start in range(0, len(ids), BLOCK):
        block = ids[start : start + BLOCK]
        by_id = {a.id: a for a in store.articles(block)}
        articles = [by_id[i] for i in block]
        texts = [text_of(a) for a in articles]
        for text in texts:
            terms.add(analyse(text))
        for found in keyed_names(texts):
            keyed.append({names.setdefault(k, k): names.setdefault(v, v) for k, v in found.items()})
        raw[start : start + len(block)] = encoder.encode(texts)
        for k, a in zip(originals[start : start + BLOCK], articles, strict=True):
            headlines[k] = headline(a)
    prof = assemble(ids, terms, keyed, raw, days, settings)
    return prof, light_articles(catalog, headlines)


def light_articles(catalog: Catalog, headlines: dict[int, str]) -> list[Article]:
    """Every stored article as clustering sees it: no text; an original's title is its
    headline, which explain.headline() gives back unchanged."""
    out = []
    for k in range(len(catalog)):
        duplicate_of, score = catalog.links[k]
        out.append(
            Article(
                id=catalog.id(k),
                origin="",
                source=catalog.sources[k],
                text="",
                title=headlines.get(k),
                published=catalog.published(k),
                duplicate_of=duplicate_of,
                duplicate_score=score,
                removed=_EMPTY_LIST,
                meta=_EMPTY_DICT,
            )
        )
    return out
