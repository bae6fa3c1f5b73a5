"""Time of the cross-source analysis and the summary of one big story, and pipeline articles/s.

    python bench/analysis.py [--n 50] [--encoder minilm|model2vec] [--repeat 3]
                             [--pipeline 300] [--profile] [--json]

The story is made of real articles read at run time from ../shared (the five seeds, then the
largest ECB+ topics), cleaned and deduplicated as `newsfuse run` does, and analysed as one
story of --n articles. Models load once in a warm-up run that is not timed (the issue's
target is "< 2 s for 50 articles after models are loaded"); the timed runs start cold for
everything else: the sentence-embedding cache lives per story, so nothing is carried over.
--pipeline N then runs the whole engine (read, clean, dedup, cluster, analysis, brief, store)
on a synthetic corpus of N perturbed real articles and prints articles/s and CPU seconds.
NEWSFUSE_ANALYSIS_INT8=1 times MiniLM's int8 option for the analysis (Settings.analysis_int8).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from newsfuse.analysis import analyze, clear_caches
from newsfuse.brief import summarize
from newsfuse.clean import clean
from newsfuse.dedup import find_duplicates
from newsfuse.model import Article, RawDoc, Story
from newsfuse.settings import Settings

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def story_articles(n: int, settings: Settings) -> list[Article]:
    """The seeds first (one real story), then ECB+ articles, biggest topics first."""
    raws: list[RawDoc] = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        raws.append(RawDoc(origin=str(path), text=path.read_text(encoding="utf-8")))
    rows = [json.loads(line) for line in (SHARED / "datasets" / "ecbplus-dev.jsonl").open()]
    sizes: dict[object, int] = {}
    for row in rows:
        sizes[row["topic"]] = sizes.get(row["topic"], 0) + 1
    rows.sort(key=lambda r: (-sizes[r["topic"]], str(r["topic"]), str(r["id"])))
    for k, row in enumerate(rows):
        raws.append(RawDoc(origin=f"ecbplus:{k}", text=row["text"], source=f"outlet{k % 17}"))
    articles: list[Article] = []
    for k, raw in enumerate(raws[:n]):
        raw.id = f"a{k}"
        articles.append(clean(raw, settings))
    find_duplicates(articles, settings)
    return articles


Run = tuple[float, float, float, float]  # analysis wall, summary wall, analysis CPU, summary CPU


def timed(articles: list[Article], settings: Settings) -> Run:
    """Wall and CPU seconds (all threads of this process) of the analysis and the summary."""
    by_id = {a.id: a for a in articles}
    story = Story(id="bench", title="bench", articles=list(by_id))
    clear_caches()
    started, cpu = time.perf_counter(), time.process_time()
    story.analysis = analyze(story, by_id, settings)
    analysed, cpu_analysed = time.perf_counter(), time.process_time()
    summarize(story, by_id, settings)
    return (
        analysed - started,
        time.perf_counter() - analysed,
        cpu_analysed - cpu,
        time.process_time() - cpu_analysed,
    )


def _backend(settings: Settings) -> str:
    """What runs MiniLM (ONNX Runtime, or torch where the export failed) and on how many
    threads; model2vec is a lookup table."""
    from newsfuse.analysis.vectors import shared_encoder

    backend = getattr(shared_encoder(settings).inner, "backend", "")
    if backend == "sentence-transformers":
        torch = sys.modules.get("torch")
        return f"torch, {torch.get_num_threads() if torch is not None else '?'} threads"
    return f"{backend}, {os.cpu_count()} threads" if backend else "-"


def _cpu() -> float:
    """CPU seconds of this process (all threads) and of its ended children (the cleaning
    pool's spawned workers)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def pipeline(n: int, settings: Settings) -> dict[str, float]:
    import newsfuse

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(Path(tmp) / "corpus", n)
        started, cpu = time.perf_counter(), _cpu()
        report = newsfuse.run(paths, db=Path(tmp) / "nf.db", settings=settings)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    stages = {s.stage: round(s.seconds, 2) for s in report.stats}
    return {
        "articles": len(report.articles),
        "stories": len(report.stories),
        "seconds": round(seconds, 2),
        "articles_per_s": round(len(report.articles) / seconds, 1),
        "cpu_s": round(cpu, 1),
        "articles_per_cpu_s": round(len(report.articles) / cpu, 2),
        "load_average": round(os.getloadavg()[0], 1),
        **{f"stage_{k}_s": v for k, v in stages.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50, help="articles in the story")
    parser.add_argument("--encoder", choices=("minilm", "model2vec"), default="minilm")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pipeline", type=int, default=0, help="articles for the engine run")
    parser.add_argument("--profile", action="store_true", help="cProfile one timed run")
    parser.add_argument("--sort", default="cumulative", help="pstats order for --profile")
    parser.add_argument("--lines", type=int, default=40, help="rows of the --profile table")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    settings = Settings.from_env(encoder=args.encoder)
    articles = story_articles(args.n, settings)
    chars = sum(len(a.text) for a in articles)
    timed(articles, settings)  # loads MiniLM/model2vec and spaCy
    load_before = os.getloadavg()[0]
    runs = [timed(articles, settings) for _ in range(args.repeat)]
    best_analysis = min(r[0] for r in runs)
    best_summary = min(r[1] for r in runs)
    best_total = min(r[0] + r[1] for r in runs)
    cpu_analysis = min(r[2] for r in runs)
    cpu_summary = min(r[3] for r in runs)
    load = (load_before + os.getloadavg()[0]) / 2
    print(f"story: {len(articles)} articles, {chars} characters, encoder {args.encoder}")
    print(f"load average {load:.1f} on {os.cpu_count()} cores; runtime {_backend(settings)}")
    for label, k in (("analysis", 0), ("summary", 1)):
        walls = " ".join(f"{r[k]:.2f}" for r in runs)
        cpus = " ".join(f"{r[k + 2]:.2f}" for r in runs)
        print(f"{label:9} best {min(r[k] for r in runs):.2f} s wall (runs {walls}); CPU {cpus} s")
    print(
        f"total     best {best_total:.2f} s wall, "
        f"{min(r[2] + r[3] for r in runs):.2f} CPU-seconds (target < 2 s)"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        timed(articles, settings)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)
    result: dict[str, object] = {
        "articles": len(articles),
        "characters": chars,
        "encoder": args.encoder,
        "analysis_s": round(best_analysis, 3),
        "summary_s": round(best_summary, 3),
        "total_s": round(best_total, 3),
        "analysis_cpu_s": round(cpu_analysis, 3),
        "summary_cpu_s": round(cpu_summary, 3),
        "total_cpu_s": round(min(r[2] + r[3] for r in runs), 3),
        "load_average": round(load, 1),
        "backend": _backend(settings),
    }
    if args.pipeline:
        result["pipeline"] = run = pipeline(args.pipeline, settings)
        print(
            f"pipeline: {run['articles']} articles, {run['stories']} stories in "
            f"{run['seconds']} s = {run['articles_per_s']} articles/s (with analysis, "
            f"{args.encoder}); {run['cpu_s']} CPU-s = {run['articles_per_cpu_s']} "
            f"articles/CPU-s, load {run['load_average']}"
        )
        print("  " + ", ".join(f"{k[6:-2]} {v} s" for k, v in run.items() if k.startswith("stage")))
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
