"""The whole `newsfuse run` path on a perturbed corpus: articles/s per stage, CPU and memory.

    python bench/pipeline.py --n 100000 [--encoder model2vec] [--analysis] [--json]
    python bench/pipeline.py --n 400000 --corpus /tmp/corpus1m   # the first 40 shards of it

bench/throughput.py measures the streamed read+clean+fingerprint+dedup core; this one runs
what a user runs, `newsfuse.run()` into a real SQLite file, so storing, clustering and the
briefs count too. Without --analysis the per-story analysis (spaCy, fact alignment) is off,
which is the configuration the core pipeline's target (read+clean+dedup+cluster >= 1,000
articles/s) is stated for. `--corpus` reuses (or keeps) the corpus: its first n/10,000
shards (bench/corpus.py writes 10,000 articles a shard).

Stage seconds are the engine's own (StageStat: wall-clock time the main process spends in
or waiting for each stage). On a shared machine they depend on the load, so the bench also
takes CPU seconds and the peak RSS of the main process per phase (a phase ends when a
stage's progress bar finishes; cleaning workers' CPU is counted when the pool is joined),
plus the largest cleaning worker's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

import newsfuse
from newsfuse.settings import Settings

SHARD = 10_000


def rss_mb() -> float:
    """Resident memory of this process now (ru_maxrss only gives the peak)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


class Phases:
    """A Progress that cuts the run into phases at each finished bar and samples memory."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.started = time.perf_counter()
        self.cpu = cpu()
        self.peak = rss_mb()
        self.stop = threading.Event()
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()

    def _sample(self) -> None:
        while not self.stop.wait(0.2):
            self.peak = max(self.peak, rss_mb())

    def start(self, stage: str, total: int | None = None) -> None:
        pass

    def advance(self, stage: str, n: int = 1) -> None:
        pass

    def finish(self, stage: str) -> None:
        self.cut(stage)

    def cut(self, name: str) -> None:
        now, used = time.perf_counter(), cpu()
        if self.rows and now - self.started < 0.05:  # bars finishing together: one phase
            self.rows[-1]["phase"] = f"{self.rows[-1]['phase']}+{name}"
        else:
            self.rows.append(
                {
                    "phase": name,
                    "wall_s": round(now - self.started, 1),
                    "main_cpu_s": round(used[0] - self.cpu[0], 1),
                    "children_cpu_s": round(used[1] - self.cpu[1], 1),
                    "peak_rss_mb": round(max(self.peak, rss_mb())),
                }
            )
            self.started, self.cpu = now, used
        self.peak = rss_mb()


def corpus_paths(folder: Path, n: int) -> list[Path]:
    shards = -(-n // SHARD)
    paths = sorted(folder.glob("part-*.jsonl"))[:shards]
    return paths if len(paths) == shards else write_corpus(folder, n, shard=SHARD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="articles in the corpus")
    parser.add_argument("--encoder", choices=["minilm", "model2vec"], default="model2vec")
    parser.add_argument("--analysis", action="store_true", help="run the per-story analysis")
    parser.add_argument("--corpus", type=Path, help="reuse/keep the corpus in this folder")
    parser.add_argument("--db", type=Path, help="keep the database here (default: temporary)")
    parser.add_argument(
        "--skip-briefs",
        action="store_true",
        help="stop after clustering (no analysis, no summaries, no stories stored): the "
        "memory of the stages that keep something per article, at sizes where the briefs "
        "would take hours",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(encoder=args.encoder, analysis=args.analysis)
    if args.skip_briefs:
        import newsfuse.engine.local as local

        local.brief_all = lambda store, stories, settings, clock: stories.clear()  # type: ignore[assignment]
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        paths = corpus_paths(args.corpus or Path(tmp) / "corpus", args.n)
        phases = Phases()
        start, cpu_start = time.perf_counter(), cpu()
        report = newsfuse.run(
            paths, db=args.db or Path(tmp) / "bench.db", settings=settings, progress=phases
        )
        wall = time.perf_counter() - start
        phases.cut("end")
        phases.stop.set()
        used = cpu()
        n, stories = len(report.articles), len(report.stories)  # views: read while it exists
    stats = report.stats
    seconds = {s.stage: s.seconds for s in stats}
    if seconds.get("read") == seconds.get("clean"):  # engines before streaming booked both
        seconds.pop("read")
    core = sum(seconds.get(k, 0.0) for k in ("read", "clean", "dedup", "cluster"))
    result = {
        "articles": n,
        "stories": stories,
        "wall_seconds": round(wall, 1),
        "articles_per_s": round(n / wall, 1),
        "core_articles_per_s": round(n / core, 1) if core else None,
        "main_cpu_seconds": round(used[0] - cpu_start[0], 1),
        "worker_cpu_seconds": round(used[1] - cpu_start[1], 1),
        "articles_per_cpu_s": round(n / (sum(used) - sum(cpu_start)), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "worker_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_average": [round(load, 1), round(os.getloadavg()[0], 1)],
        "encoder": args.encoder,
        "analysis": args.analysis,
        "skip_briefs": args.skip_briefs,
        "stages": [(s.stage, s.items_in, s.items_out, s.seconds) for s in stats],
        "phases": phases.rows,
    }
    print(f"{'stage':<10}{'items':>10}{'seconds':>10}{'items/s':>12}")
    for s in stats:
        rate = s.items_in / s.seconds if s.seconds else float("inf")
        print(f"{s.stage:<10}{s.items_in:>10}{s.seconds:>10.1f}{rate:>12.0f}")
    print(f"\n{'phase':<24}{'wall s':>8}{'main CPU s':>12}{'child CPU s':>12}{'peak RSS MB':>13}")
    for row in phases.rows:
        print(
            f"{row['phase']!s:<24}{row['wall_s']:>8}{row['main_cpu_s']:>12}"
            f"{row['children_cpu_s']:>12}{row['peak_rss_mb']:>13}"
        )
    for key, value in result.items():
        if key not in ("stages", "phases"):
            print(f"{key}: {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
