"""Article body extraction from raw HTML, scored as the Zyte/Scrapinghub benchmark scores it.

Runs newsfuse.clean.clean() on every page of a folder laid out like the benchmark
(html/<id>.html.gz and ground-truth.json {id: {articleBody, url}}) and compares the text
with the ground-truth body. The metric follows the benchmark's evaluate.py (re-implemented
here): tokens are \\w+ runs, shingles are 4 consecutive tokens counted as a multiset;
per page tp/fp/fn are normalised to sum to 1; precision is averaged over pages with any
prediction, recall over pages with any truth, and F1 is the harmonic mean of the two
averages. A page clean() rejects counts as an empty prediction.

Usage: .venv/bin/python eval/extraction.py [--data PATH] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from newsfuse.clean import clean
from newsfuse.errors import InputError
from newsfuse.model import RawDoc

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "datasets" / "article-extraction"
_TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_counts(truth: str, prediction: str) -> Counts:
    """tp, fp, fn of shingles, normalised so every page weighs the same."""
    t, p = shingles(truth), shingles(prediction)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def metrics(pages: list[Counts]) -> dict[str, float]:
    precision = statistics.mean([_precision(*c) for c in pages if c[0] + c[1] > 0] or [0.0])
    recall = statistics.mean([_recall(*c) for c in pages if c[0] + c[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark-style folder")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N pages")
    ap.add_argument("--json", action="store_true", help="last line: one JSON object")
    args = ap.parse_args()
    truth_file = args.data / "ground-truth.json"
    if not truth_file.is_file():
        print(f"no ground-truth.json in {args.data}", file=sys.stderr)
        return 2
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    counts: list[Counts] = []
    rejected = 0
    seconds = 0.0
    for key in keys:
        with gzip.open(args.data / "html" / f"{key}.html.gz", "rb") as f:
            html = f.read().decode("utf-8", errors="replace")
        raw = RawDoc(origin=key, html=html, id=key, url=truth[key].get("url"))
        start = time.perf_counter()
        try:
            text = clean(raw).text
        except InputError:
            text, rejected = "", rejected + 1
        seconds += time.perf_counter() - start
        counts.append(page_counts(truth[key].get("articleBody", ""), text))
    result = metrics(counts)
    result.update(pages=len(keys), rejected=rejected, pages_per_s=len(keys) / seconds)
    print(f"{'article extraction':<22}{'value':>8}")
    for name in ("precision", "recall", "f1"):
        print(f"{name:<22}{result[name]:>8.3f}")
    print(f"{'pages':<22}{len(keys):>8d}")
    print(f"{'rejected (no article)':<22}{rejected:>8d}")
    print(f"{'pages/s (clean only)':<22}{result['pages_per_s']:>8.1f}")
    if args.json:
        rounded = {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}
        print(json.dumps(rounded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
