"""Throughput and peak memory of read+clean+dedup+cluster on a synthetic corpus.

    python bench/throughput.py --n 100000

Prints articles/s and peak RSS after each stage, and the same near-duplicate search done
with datasketch's MinHashLSH as a reference. Uses the fast encoder (model2vec) and no NER.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


from corpus import write_corpus

from newsfuse.cluster import cluster
from newsfuse.dedup import find_duplicates
from newsfuse.dedup.fingerprint import words
from newsfuse.engine.pool import clean_all
from newsfuse.ingest import read_paths
from newsfuse.model import Article, Problem
from newsfuse.settings import Settings


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def datasketch_reference(articles: list[Article], threshold: float) -> tuple[float, int]:
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    found = 0
    for a in articles:
        tokens = words(a.text)
        shingles = {b" ".join(tokens[k : k + 5]) for k in range(max(1, len(tokens) - 4))}
        m = MinHash(num_perm=128)
        m.update_batch(shingles)
        if lsh.query(m):
            found += 1
        lsh.insert(a.id, m)
    return time.perf_counter() - started, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reference-n", type=int, default=20_000, help="datasketch sample")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(encoder="model2vec")
    rows: list[dict[str, object]] = []

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(Path(tmp), args.n)
        problems: list[Problem] = []
        started = time.perf_counter()
        articles: list[Article] = []
        for item in clean_all(read_paths(paths, settings, problems), settings):
            if isinstance(item, Article):
                articles.append(item)
        t_clean = time.perf_counter() - started
        rows.append({"stage": "read+clean", "seconds": t_clean, "rss_mb": peak_rss_mb()})

        started = time.perf_counter()
        find_duplicates(articles, settings)
        t_dedup = time.perf_counter() - started
        dups = sum(a.duplicate_of is not None for a in articles)
        rows.append({"stage": "dedup", "seconds": t_dedup, "rss_mb": peak_rss_mb()})

        started = time.perf_counter()
        stories = cluster(articles, settings)
        t_cluster = time.perf_counter() - started
        rows.append({"stage": "cluster", "seconds": t_cluster, "rss_mb": peak_rss_mb()})

        sample = articles[: args.reference_n]
        started = time.perf_counter()
        find_duplicates(sample, settings)
        t_ours = time.perf_counter() - started
        t_ref, _ = datasketch_reference(sample, settings.near_duplicate_threshold)

    total = t_clean + t_dedup + t_cluster
    n = len(articles)
    print(f"corpus: {args.n} articles, {n} clean, {dups} duplicates, {len(stories)} stories")
    print(f"{'stage':<12}{'seconds':>10}{'articles/s':>12}{'peak RSS MB':>13}")
    for r in rows:
        secs = float(r["seconds"])  # type: ignore[arg-type]
        print(f"{r['stage']:<12}{secs:>10.1f}{n / secs:>12.0f}{float(r['rss_mb']):>13.0f}")  # type: ignore[arg-type]
    print(f"{'total':<12}{total:>10.1f}{n / total:>12.0f}{peak_rss_mb():>13.0f}")
    print(
        f"dedup of {len(sample)} articles: newsfuse {len(sample) / t_ours:.0f}/s, "
        f"datasketch MinHashLSH {len(sample) / t_ref:.0f}/s ({t_ref / t_ours:.1f}x slower)"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "articles": n,
                    "articles_per_s": n / total,
                    "peak_rss_mb": peak_rss_mb(),
                    "stages": rows,
                    "dedup_speedup_vs_datasketch": t_ref / t_ours,
                }
            )
        )


if __name__ == "__main__":
    main()
