"""An encoder wrapper that embeds each distinct text once per analysis.

Facts, conflicts and the timeline all compare sentences; wire copies repeat sentences word
for word. Sharing one cache keeps MiniLM, the expensive part, to one pass per distinct text.
"""

from __future__ import annotations

import numpy as np

from newsfuse.embed import Encoder


class CachedEncoder:
    def __init__(self, encoder: Encoder) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):
                self._cache[text] = vector
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


def cached(encoder: Encoder) -> CachedEncoder:
    """The encoder itself when already cached, so callers can wrap without thinking."""
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)
