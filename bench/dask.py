"""Local engine vs the Dask engine with 1 and 2 workers, on the same synthetic corpus.

    python bench/dask.py --n 1000

The corpus is perturbed real text from ../shared (bench/corpus.py), in JSONL files of
--shard articles, so Dask has file partitions to spread. Each engine (and each Dask worker)
first runs once on examples/ as a warm-up, so model loading (once per process) is not
timed; LocalCluster start-up is timed separately. Every Dask run must give the local
engine's stories, duplicate links and summaries, or the script fails. Prints seconds,
articles/s, speed-ups and CPU seconds per process, and the load average: on a shared,
overloaded machine wall time says more about the neighbours than about the engines.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# Named after what it measures, this file would shadow the dask package: look here last.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE] + [str(HERE)]

from corpus import write_corpus  # noqa: E402

from newsfuse import api  # noqa: E402
from newsfuse.clean.language import detect_language  # noqa: E402
from newsfuse.engine.tasks import brief_stories, read_part  # noqa: E402
from newsfuse.model import Report  # noqa: E402
from newsfuse.settings import Settings  # noqa: E402


def outcome(report: Report) -> tuple[Any, ...]:
    stories = [(s.id, s.articles, s.summary) for s in report.stories]
    links = sorted((a.id, a.duplicate_of, a.duplicate_score) for a in report.articles)
    return stories, links


def cpu_seconds() -> float:
    """CPU time of this process (in a Dask worker: of that worker)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(paths: list[Path], db: Path, settings: Settings, **engine: Any) -> tuple[float, Report]:
    started = time.perf_counter()
    report = api.run(paths, db=db, settings=settings, **engine)
    return time.perf_counter() - started, report


def cpu_path(client: Any | None, run: Any) -> tuple[Any, float, list[float]]:
    """Run; CPU seconds the client and each worker spent on it.

    On a shared, overloaded machine wall time measures how many threads each engine has
    runnable rather than the engine; client CPU plus the busiest worker's CPU is what the
    run would take on an idle machine if none of them overlapped (an upper bound).
    """
    workers_before = client.run(cpu_seconds) if client else {}
    before = cpu_seconds()
    result = run()
    spent = cpu_seconds() - before
    after = client.run(cpu_seconds) if client else {}
    return result, spent, [after[w] - workers_before[w] for w in after if w in workers_before]


# Our own words. examples/ is plain English, which skips the language detector; lingua
# loads its models (~3 s) at the first text it has to detect, so warm it with this.
FRENCH = "Le conseil municipal a voté mercredi soir la fermeture du marché couvert pour travaux."


def warm_worker(where: str, report: Report, settings: Settings) -> None:
    """Load every model a worker uses, so the timed run measures work, not start-up."""
    read_part([where], settings)
    detect_language(FRENCH)
    brief_stories(report.stories, report.articles, settings)


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus")
    parser.add_argument("--shard", type=int, default=100, help="articles per input file")
    parser.add_argument("--encoder", default="model2vec", choices=("model2vec", "minilm"))
    parser.add_argument("--no-analysis", action="store_true", help="skip the analysis stage")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(encoder=args.encoder, analysis=not args.no_analysis)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = write_corpus(root / "corpus", args.n, shard=args.shard)
        warm = [HERE.parent / "examples"]  # every stage, multi-article stories
        _, warmed = timed(warm, root / "warm-local.db", settings)
        detect_language(FRENCH)  # the local engine cleans in this process below 2 workers
        (seconds, reference), cpu, _ = cpu_path(
            None, lambda: timed(paths, root / "local.db", settings)
        )
        rows.append(
            {"engine": "local", "workers": 1, "seconds": seconds, "start_s": 0.0, "cpu": [cpu, []]}
            | {"stages": {s.stage: s.seconds for s in reference.stats}}
        )
        for workers in (1, 2):
            started = time.perf_counter()
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
                ) as cluster,
                Client(cluster) as client,
            ):
                start_s = time.perf_counter() - started
                address = cluster.scheduler_address
                client.run(warm_worker, str(warm[0]), warmed, settings)
                run = partial(
                    timed, paths, root / f"dask-{workers}.db", settings, scheduler=address
                )
                (seconds, report), cpu, per_worker = cpu_path(client, run)
            if outcome(report) != outcome(reference):
                raise SystemExit(f"dask with {workers} worker(s) differs from the local engine")
            stages = {s.stage: s.seconds for s in report.stats}
            rows.append(
                {"engine": "dask", "workers": workers, "seconds": seconds, "start_s": start_s}
                | {"stages": stages, "cpu": [cpu, per_worker]}
            )
        # The report's articles and stories are views of its database: count them while
        # the folder holding it still exists.
        n, stories = len(reference.articles), len(reference.stories)
        copies = sum(a.duplicate_of is not None for a in reference.articles)
    local_s, one_s = rows[0]["seconds"], rows[1]["seconds"]
    print(
        f"corpus: {n} articles in {len(paths)} files, {stories} stories, {copies} duplicates; "
        f"encoder {args.encoder}, analysis {'off' if args.no_analysis else 'on'}; "
        f"same output: yes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'engine':<8}{'workers':>8}{'seconds':>9}{'art/s':>8}{'vs local':>10}{'vs 1 wkr':>10}")
    for r in rows:
        s = r["seconds"]
        print(
            f"{r['engine']:<8}{r['workers']:>8}{s:>9.1f}{n / s:>8.1f}"
            f"{local_s / s:>9.2f}x{one_s / s:>9.2f}x"
        )
    print("CPU seconds (client | each worker) and the idle-machine bound client + busiest worker:")
    bound = [r["cpu"][0] + max(r["cpu"][1], default=0.0) for r in rows]
    for r, b in zip(rows, bound, strict=True):
        shown = " ".join(f"{w:.1f}" for w in r["cpu"][1]) or "-"
        print(
            f"  {r['engine']} {r['workers']}: {r['cpu'][0]:.1f} | {shown}; bound {b:.1f}s, "
            f"{bound[0] / b:.2f}x vs local, {bound[1] / b:.2f}x vs 1 worker"
        )
    for r in rows:
        shown = ", ".join(f"{k.strip()} {v:.1f}s" for k, v in r["stages"].items())
        start = f"cluster start {r['start_s']:.1f}s (not timed above); " if r["start_s"] else ""
        print(f"{r['engine']} {r['workers']}: {start}{shown}")
    if args.json:
        print(json.dumps({"articles": n, "runs": rows, "load_average": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
