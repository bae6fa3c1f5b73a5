"""The whole `newsfuse run` path on a perturbed corpus: articles/s per stage and peak memory.

    python bench/pipeline.py --n 100000 [--encoder model2vec] [--analysis] [--json]

bench/throughput.py measures the streamed read+clean+fingerprint+dedup core; this one runs
what a user runs, `newsfuse.run()` into a real SQLite file, so storing, clustering and the
briefs count too. Without --analysis the per-story analysis (spaCy, fact alignment) is off,
which is the configuration the core pipeline's target (read+clean+dedup+cluster >= 1,000
articles/s) is stated for. Peak RSS is this process plus the largest cleaning worker.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

import newsfuse
from newsfuse.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles in the corpus")
    parser.add_argument("--encoder", choices=["minilm", "model2vec"], default="model2vec")
    parser.add_argument("--analysis", action="store_true", help="run the per-story analysis")
    parser.add_argument("--corpus", type=Path, help="reuse/keep the corpus in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(encoder=args.encoder, analysis=args.analysis)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.corpus or Path(tmp) / "corpus"
        if not (folder.exists() and any(folder.glob("part-*.jsonl"))):
            write_corpus(folder, args.n)
        start = time.perf_counter()
        report = newsfuse.run([folder], db=Path(tmp) / "bench.db", settings=settings)
        wall = time.perf_counter() - start
    n = len(report.articles)
    stages = {s.stage: s for s in report.stats}
    rows = [(s.stage, s.items_in, s.seconds) for s in report.stats]
    # The engine reads and cleans in one pass and books the same seconds under both names.
    core = sum(stages[k].seconds for k in ("clean", "dedup", "cluster") if k in stages)
    result = {
        "articles": n,
        "stories": len(report.stories),
        "wall_seconds": round(wall, 1),
        "articles_per_s": round(n / wall, 1),
        "core_articles_per_s": round(n / core, 1) if core else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_average": round(os.getloadavg()[0], 1),
        "encoder": args.encoder,
        "analysis": args.analysis,
    }
    print(f"{'stage':<10}{'items':>10}{'seconds':>10}{'items/s':>12}")
    for stage, items, seconds in rows:
        rate = items / seconds if seconds else float("inf")
        print(f"{stage:<10}{items:>10}{seconds:>10.1f}{rate:>12.0f}")
    for key, value in result.items():
        print(f"{key}: {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
