"""An encoder wrapper that embeds each distinct text once, across the stages of a story.

Facts, conflicts, the timeline and the brief's summary all compare sentences, and wire copies
repeat sentences word for word. One bounded cache per encoder and process keeps MiniLM, the
expensive part, to one pass per distinct text: the summary, run right after the analysis of
the same story, finds most of its sentences already embedded. Least recently used vectors
go first, so a long run over many stories holds at most `MAX_VECTORS` of them (~30 MB).
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from newsfuse.embed import Encoder, get_encoder
from newsfuse.settings import Settings

MAX_VECTORS = 20_000


class CachedEncoder:
    def __init__(self, encoder: Encoder, limit: int = MAX_VECTORS) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.limit = limit
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        found: dict[str, np.ndarray] = {}
        for t in texts:
            if t not in found and t in self._cache:
                self._cache.move_to_end(t)
                found[t] = self._cache[t]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):
                found[text] = self._cache[text] = vector
            while len(self._cache) > self.limit:
                self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def clear(self) -> None:
        self._cache.clear()


_SHARED: dict[str, CachedEncoder] = {}


def cached(encoder: Encoder) -> CachedEncoder:
    """The encoder itself when already cached, so callers can wrap without thinking."""
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)


def shared_encoder(settings: Settings) -> CachedEncoder:
    """The process's cached encoder for settings.encoder (loaded on first use)."""
    name = settings.encoder
    if name not in _SHARED:
        # MiniLM ignores cache_dir: leave it out so every caller shares one model instance.
        model = get_encoder(name) if name == "minilm" else get_encoder(name, settings.cache_dir)
        _SHARED[name] = CachedEncoder(model)
    return _SHARED[name]


def clear_shared() -> None:
    """Forget every cached vector (benchmarks measure a story from cold)."""
    for encoder in _SHARED.values():
        encoder.clear()
