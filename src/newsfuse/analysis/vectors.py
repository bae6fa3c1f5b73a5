"""An encoder wrapper that embeds each distinct text once, across the stages of a story.

Facts, conflicts, the timeline and the brief's summary all compare sentences, and wire copies
repeat sentences word for word. One bounded cache per encoder and process keeps MiniLM, the
expensive part, to one pass per distinct text: the summary, run right after the analysis of
the same story, finds most of its sentences already embedded. Least recently used vectors
go first, so a long run over many stories holds at most `MAX_VECTORS` of them (~30 MB).

`prefetch` embeds texts a later stage will ask for in a background thread. MiniLM runs its
matrix products outside the GIL on every core, and spaCy's entity pass, which comes first,
runs on one: started together they overlap instead of queueing (docs/PERFORMANCE.md). One
big batch also packs texts of like lengths together, which wastes less work on padding than
several small ones. Whoever asks for a text the background job is embedding waits for it
rather than embedding it twice.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from newsfuse.embed import Encoder, get_encoder
from newsfuse.settings import Settings

MAX_VECTORS = 20_000
log = logging.getLogger(__name__)
_POOL: list[ThreadPoolExecutor] = []  # one background thread, made on first prefetch
_POOL_LOCK = threading.Lock()


def _background() -> ThreadPoolExecutor:
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsfuse-embed"))
        return _POOL[0]


class CachedEncoder:
    def __init__(self, encoder: Encoder, limit: int = MAX_VECTORS) -> None:
        self.inner = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.limit = limit
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # guards the cache; the model has its own lock
        self._pending: list[Future[np.ndarray]] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text, in order; duplicates and cached texts are not embedded again."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._settle()
        return self._encode(texts)

    def prefetch(self, texts: Sequence[str]) -> None:
        """Start embedding `texts` in the background; the next `encode` waits for the job.

        Only worth it before work that leaves a core free (spaCy runs on one); a failure
        here is logged and the texts are embedded again when asked for."""
        todo = list(dict.fromkeys(t for t in texts if t))
        if todo:
            with self._lock:
                self._pending.append(_background().submit(self._encode, todo))

    def _settle(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for job in pending:
            try:
                job.result()
            except Exception as e:  # the foreground call embeds the texts itself
                log.warning("prefetching sentence vectors failed (%s); embedding on demand", e)

    def _encode(self, texts: list[str]) -> np.ndarray:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for t in texts:
                if t not in found and t in self._cache:
                    self._cache.move_to_end(t)
                    found[t] = self._cache[t]
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            vectors = self.inner.encode(missing)
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    found[text] = self._cache[text] = vector
                while len(self._cache) > self.limit:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def clear(self) -> None:
        self._settle()
        with self._lock:
            self._cache.clear()


_SHARED: dict[str, CachedEncoder] = {}


def cached(encoder: Encoder) -> CachedEncoder:
    """The encoder itself when already cached, so callers can wrap without thinking."""
    return encoder if isinstance(encoder, CachedEncoder) else CachedEncoder(encoder)


def shared_encoder(settings: Settings) -> CachedEncoder:
    """The process's cached encoder for settings.encoder (loaded on first use); MiniLM's int8
    variant where settings.analysis_int8 asks for it (these vectors are never stored)."""
    name = settings.encoder
    if name == "minilm" and settings.analysis_int8:
        name = "minilm-int8"
    if name not in _SHARED:
        # MiniLM ignores cache_dir: leave it out so every caller shares one model instance.
        minilm = name.startswith("minilm")
        model = get_encoder(name) if minilm else get_encoder(name, settings.cache_dir)
        _SHARED[name] = CachedEncoder(model)
    return _SHARED[name]


def clear_shared() -> None:
    """Forget every cached vector (benchmarks measure a story from cold)."""
    for encoder in _SHARED.values():
        encoder.clear()
