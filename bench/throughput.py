"""Throughput and peak memory of read+clean+fingerprint+dedup, streaming, on a perturbed corpus.

    python bench/throughput.py --n 100000            # the documented run (~2 min here)
    python bench/throughput.py --n 1000000 --keep    # optional 1M run (~3 GB of corpus)

The corpus (bench/corpus.py) is JSONL of plain-text articles built from real texts in
../shared. Records stream from disk through a spawned pool that cleans and fingerprints
them; the main process keeps only the dedup index (newsfuse.dedup.DedupIndex), never the
articles, so its memory grows by the index's bytes per article only. The combined number is
articles / wall-clock seconds of the whole streamed pass plus the final dedup resolve.

The reference: datasketch's MinHash + MinHashLSH (same 5-word shingles, 128 permutations,
same threshold) against newsfuse's find_duplicates, both single-process on the same cleaned
sample of the same run. `--json` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from newsfuse.clean import clean
from newsfuse.dedup import DedupIndex, Fingerprints, find_duplicates, fingerprint, index_batch
from newsfuse.dedup.fingerprint import words
from newsfuse.errors import InputError
from newsfuse.ingest import read_paths
from newsfuse.model import Article, Problem, RawDoc
from newsfuse.settings import Settings

CHUNK = 256


def rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> tuple[float, float]:
    """CPU time of this process, and of its finished children (the pool's workers, once joined).

    On a shared machine wall-clock rates depend on the other load; articles per CPU-second
    do much less, so the report gives both.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def work(raws: list[RawDoc], settings: Settings) -> tuple[Fingerprints, int]:
    """In a worker: clean a chunk and fingerprint it; only the fingerprints travel back."""
    articles: list[Article] = []
    for raw in raws:
        with contextlib.suppress(InputError):  # counted below, as the bench's rejects
            articles.append(clean(raw, settings))
    return fingerprint(articles, settings.minhash_permutations), len(raws) - len(articles)


def streamed(paths: list[Path], settings: Settings, workers: int) -> dict[str, float]:
    """One streamed pass; returns timings, counts and memory."""
    problems: list[Problem] = []
    index = DedupIndex(settings)
    started = time.perf_counter()
    cpu_started = cpu_seconds()
    load = os.getloadavg()[0]
    raws = read_paths(paths, settings, problems)
    rejected = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending = []
        while chunk := list(islice(raws, CHUNK)):
            pending.append(pool.submit(work, chunk, settings))
            if len(pending) > 4 * workers:  # bounded read-ahead: memory stays flat
                batch, bad = pending.pop(0).result()
                index_batch(index, batch)
                rejected += bad
        for future in pending:
            batch, bad = future.result()
            index_batch(index, batch)
            rejected += bad
    streamed_s = time.perf_counter() - started
    t = time.perf_counter()
    result = index.resolve()
    resolve_s = time.perf_counter() - t
    main_cpu, worker_cpu = (b - a for a, b in zip(cpu_started, cpu_seconds(), strict=True))
    cpu_s = main_cpu + worker_cpu
    n = len(index)
    return {
        "cpu_seconds": cpu_s,
        "main_cpu_seconds": main_cpu,
        "worker_cpu_seconds": worker_cpu,
        "articles_per_cpu_s": n / cpu_s,
        "load_average_at_start": load,
        "articles": n,
        "rejected_by_clean": rejected,
        "read_problems": len(problems),
        "duplicates": sum(original >= 0 for original, _ in result),
        "distinct_texts": len(index.first_of),
        "seconds": streamed_s + resolve_s,
        "resolve_seconds": resolve_s,
        "articles_per_s": n / (streamed_s + resolve_s),
        "index_mb": index.nbytes() / 2**20,
        "index_bytes_per_article": index.nbytes() / max(n, 1),
        "peak_rss_main_mb": rss_mb(),
        "peak_rss_worker_mb": rss_mb(resource.RUSAGE_CHILDREN),
    }


def datasketch_reference(articles: list[Article], threshold: float) -> float:
    from datasketch import MinHash, MinHashLSH

    started = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    for a in articles:
        tokens = words(a.text)
        shingles = {b" ".join(tokens[k : k + 5]) for k in range(max(1, len(tokens) - 4))}
        m = MinHash(num_perm=128)
        m.update_batch(shingles)
        lsh.query(m)
        lsh.insert(a.id, m)
    return time.perf_counter() - started


def _best_of(repeats: int, *runs: Callable[[], float]) -> list[float]:
    """Fastest of `repeats` timings of each run, interleaved: on a shared machine the load
    changes by the minute, and timing one after the other would compare two loads."""
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for k, run in enumerate(runs):
            best[k] = min(best[k], run())
    return best


def _ours(articles: list[Article], settings: Settings) -> float:
    copies = [
        Article(id=a.id, origin=a.origin, source=a.source, text=a.text, published=a.published)
        for a in articles
    ]
    started = time.perf_counter()
    find_duplicates(copies, settings)
    return time.perf_counter() - started


def reference(paths: list[Path], settings: Settings, n: int, repeats: int) -> dict[str, float]:
    """newsfuse vs datasketch dedup (fingerprint + LSH) on the first n cleaned articles."""
    articles: list[Article] = []
    for raw in read_paths(paths, settings, []):
        try:
            articles.append(clean(raw, settings))
        except InputError:
            continue
        if len(articles) >= n:
            break
    threshold = settings.near_duplicate_threshold
    unique = list({a.text: a for a in articles}.values())  # no exact copies at all
    ours, theirs, ours_unique, theirs_unique = _best_of(
        repeats,
        lambda: _ours(articles, settings),
        lambda: datasketch_reference(articles, threshold),
        lambda: _ours(unique, settings),
        lambda: datasketch_reference(unique, threshold),
    )
    return {
        "sample": len(articles),
        "repeats": repeats,
        "distinct_texts": len(unique),
        "newsfuse_per_s": len(articles) / ours,
        "datasketch_per_s": len(articles) / theirs,
        "speedup": theirs / ours,
        "distinct_only_newsfuse_per_s": len(unique) / ours_unique,
        "distinct_only_datasketch_per_s": len(unique) / theirs_unique,
        "distinct_only_speedup": theirs_unique / ours_unique,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--reference-n", type=int, default=10_000, help="datasketch sample")
    parser.add_argument("--repeats", type=int, default=3, help="timings of the reference")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--corpus", type=Path, help="reuse/keep the corpus in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.corpus or Path(tmp)
        shards = -(-args.n // 10_000)  # corpus.py writes 10,000 articles a shard
        paths = sorted(folder.glob("part-*.jsonl"))[:shards]
        if len(paths) < shards:
            paths = write_corpus(folder, args.n)
        run = streamed(paths, settings, args.workers)
        ref = reference(paths, settings, args.reference_n, args.repeats)

    print(
        f"corpus: {run['articles']:.0f} articles ({run['rejected_by_clean']:.0f} rejected by "
        f"clean), {run['distinct_texts']:.0f} distinct texts, {run['duplicates']:.0f} duplicates"
    )
    print(
        f"read+clean+fingerprint+dedup: {run['seconds']:.1f} s, "
        f"{run['articles_per_s']:.0f} articles/s ({args.workers} workers; "
        f"final resolve {run['resolve_seconds']:.1f} s)"
    )
    print(
        f"CPU time {run['cpu_seconds']:.0f} s (main {run['main_cpu_seconds']:.0f} s, workers "
        f"{run['worker_cpu_seconds']:.0f} s) = {run['articles_per_cpu_s']:.0f} articles per "
        f"CPU-second (load average {run['load_average_at_start']:.1f} on "
        f"{os.cpu_count()} cores when it started)"
    )
    print(
        f"peak RSS: main {run['peak_rss_main_mb']:.0f} MB, largest worker "
        f"{run['peak_rss_worker_mb']:.0f} MB; dedup index {run['index_mb']:.1f} MB "
        f"= {run['index_bytes_per_article']:.0f} bytes/article"
    )
    print(
        f"dedup of {ref['sample']:.0f} articles (best of {args.repeats}): "
        f"newsfuse {ref['newsfuse_per_s']:.0f}/s, "
        f"datasketch MinHashLSH {ref['datasketch_per_s']:.0f}/s ({ref['speedup']:.1f}x); "
        f"distinct texts only ({ref['distinct_texts']:.0f}): "
        f"{ref['distinct_only_newsfuse_per_s']:.0f}/s vs "
        f"{ref['distinct_only_datasketch_per_s']:.0f}/s ({ref['distinct_only_speedup']:.1f}x)"
    )
    if args.json:
        print(json.dumps({"n": args.n, "workers": args.workers, **run, "reference": ref}))


if __name__ == "__main__":
    main()
