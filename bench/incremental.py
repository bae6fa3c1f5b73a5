"""Time to ingest a batch of new articles into a database that already holds N articles.

    python bench/incremental.py [--base 20000] [--batch 1000] [--encoder model2vec]
                                [--keep DIR] [--json]
    python bench/incremental.py --compare [--stories 372] [--topics 35] [--batches 10]

The base database is built at once (`newsfuse.run`, analysis off) from a corpus of perturbed
real texts (bench/corpus.py reads ../shared at run time); its index rows are then backfilled
(`engine/backfill.py`, timed apart). The timed batch is `--batch` further articles dated in the
base's last week: reports of events already stored (perturbed copies of the same real texts)
mixed with new ones, the way tomorrow's crawl meets yesterday's stories.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import bcubed, perturb, real_mix, real_texts, write_corpus

from newsfuse import api
from newsfuse.engine.backfill import backfill
from newsfuse.engine.index import OnlineIndex
from newsfuse.settings import Settings
from newsfuse.store import Store


def write_batch(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    base = real_texts()
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            title, text = base[rng.randrange(len(base))]
            row = {
                "id": f"new-{i}",
                "title": title,
                "text": perturb(text, rng),
                "source": f"outlet{rng.randrange(200)}.example",
                "published": f"2021-12-{25 + rng.randrange(7):02d}",
            }
            f.write(json.dumps(row) + "\n")
    return path


def stories_of(db: Path) -> dict[str, str]:
    with Store(db, readonly=True) as store:
        return {a: s.id for s in store.stories() for a in s.articles}


def compare(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    """BCubed of `--batches` batches against one at-once run, for both online modes."""
    paths, gold = real_mix(folder / "mix", args.stories, args.topics)
    common: dict[str, object] = {"analysis": False, "encoder": args.encoder, "index_days": 0}
    out: dict[str, object] = {"articles": len(gold), "batches": args.batches}
    at_once = folder / "at_once.db"
    started = time.perf_counter()
    api.run(paths, db=at_once, settings=Settings.from_env(**common), formats=())
    out["at_once_s"] = round(time.perf_counter() - started, 1)
    once = stories_of(at_once)
    out["articles"] = len(once)  # a few real texts are too short to keep
    out["at_once_vs_gold"] = bcubed(once, gold)
    size = -(-len(gold) // args.batches)
    for mode, limit in (("whole", 1_000_000), ("neighbourhood", 0)):
        db = folder / f"batched-{mode}.db"
        settings = Settings.from_env(**common, ingest_batch=size, recluster_limit=limit)
        started = time.perf_counter()
        api.ingest(paths, db, settings)
        out[f"{mode}_s"] = round(time.perf_counter() - started, 1)
        batched = stories_of(db)
        out[f"{mode}_vs_at_once"] = bcubed(batched, once)
        out[f"{mode}_vs_gold"] = bcubed(batched, gold)
        both = sorted(set(batched) & set(once))
        moved = [a for a in both if _partners(batched, a) != _partners(once, a)]
        out[f"{mode}_articles_with_other_partners"] = len(moved)
    return out


def _partners(story_of: dict[str, str], article: str) -> frozenset[str]:
    mine = story_of[article]
    return frozenset(a for a, s in story_of.items() if s == mine)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=20_000, help="articles already stored")
    parser.add_argument("--batch", type=int, default=1000, help="new articles to ingest")
    parser.add_argument("--encoder", choices=("minilm", "model2vec"), default="model2vec")
    parser.add_argument("--keep", type=Path, help="folder for corpus and database (kept)")
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    parser.add_argument("--compare", action="store_true", help="batched vs at-once BCubed")
    parser.add_argument("--stories", type=int, default=372, help="AllSides stories (--compare)")
    parser.add_argument("--topics", type=int, default=35, help="ECB+ topics (--compare)")
    parser.add_argument("--batches", type=int, default=10, help="batches (--compare)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nf-incr-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    if args.compare:
        found = compare(args, folder)
        for key, value in found.items():
            print(f"{key:>40}: {value}")
        if args.json:
            print(json.dumps(found))
        return
    settings = Settings.from_env(encoder=args.encoder, analysis=False)
    db = folder / f"base-{args.base}.db"
    result: dict[str, object] = {"base": args.base, "batch": args.batch, "encoder": args.encoder}
    if not db.exists():
        started = time.perf_counter()
        paths = write_corpus(folder / f"corpus-{args.base}", args.base)
        api.run(paths, db=db.with_suffix(".tmp"), settings=settings, formats=())
        db.with_suffix(".tmp").rename(db)
        result["build_s"] = round(time.perf_counter() - started, 1)
    with Store(db) as store:
        started = time.perf_counter()
        result["backfilled"] = backfill(store, settings)
        result["backfill_s"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        index = OnlineIndex.load(store, settings)
        result["load_index_s"] = round(time.perf_counter() - started, 2)
        result["index_entries"] = len(index)
        result["stories_before"] = store.count_stories()
    new = write_batch(folder / f"batch-{args.batch}.jsonl", args.batch, seed=args.base)
    work = folder / "work.db"
    shutil.copyfile(db, work)  # the base stays reusable for the next run
    started, cpu = time.perf_counter(), time.process_time()
    report = api.ingest([new], work, settings)
    seconds = time.perf_counter() - started
    result["ingest_cpu_s"] = round(time.process_time() - cpu, 2)
    result["load_avg"] = round(os.getloadavg()[0], 1)
    result.update(
        ingest_s=round(seconds, 2),
        articles_per_s=round(args.batch / seconds, 1),
        new_articles=report.new_articles,
        duplicates=report.duplicates,
        stories_changed=len(report.stories_changed),
        steps={s.stage.strip(): round(s.seconds, 2) for s in report.stats},
        peak_rss_mb=round(peak_rss_mb(), 1),
    )
    for key, value in result.items():
        print(f"{key:>16}: {value}")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
