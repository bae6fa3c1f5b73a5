"""Story summaries against editors' multi-source roundups (AllSides, NeuS), with baselines.

Each row of a dataset is one story: its articles (title + text) become RawDocs, go through
the real clean(), near-duplicate search, cross-source analysis (the summary boosts what many
independent sources report) and summarize(), exactly as in `newsfuse run`. The summary is
scored with ROUGE-1/2/L F1 (rouge-score, Porter stemming) against the editors' text:
AllSides `roundup`, NeuS `summary`. Beside it, on the same cleaned articles:

  lead-3    the lead sentence of each article in turn (first of every article, then second,
            ...) until three: the multi-document form of the lead baseline.
  TextRank  sentences of all articles as graph nodes, TF-IDF cosine edges, PageRank by power
            iteration (d = 0.85); the top sentences, as many as the brief's summary has, in
            reading order.

Sampling: every k-th story, k chosen so about --limit stories (default 60, a few minutes
with the full analysis on two cores) are scored per dataset, k = max(1, round(rows / limit));
--limit 0 scores every story (AllSides 372, NeuS 2,759: most of an hour). Same rows on every
run. --heldout scores rows i % 23 == 11 instead (NeuS: 120 stories). Nothing here tunes the
product: its constants are fixed in newsfuse.brief.summary, and the salience weights were
fitted by eval/train_summary.py on NeuS rows that neither the evenly spaced samples of
--limit 60 or 120 (i % 23 == 0) nor --heldout score, and on no NeuS story AllSides shares.

--json prints one object last: rouge1, rouge2, rougeL and the lead3_/textrank_ ones, each the
mean over the datasets, and under "datasets" the same keys per dataset, with the paired
difference newsfuse - baseline per metric and the half-width of its 95% confidence interval
(minus_textrank_rouge1: [mean, half-width]).

Usage: python eval/summary.py [--data FILE ...] [--limit N | --heldout]
       [--encoder minilm|model2vec] [--no-analysis] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from newsfuse.analysis import analyze
from newsfuse.brief import summarize
from newsfuse.brief.candidates import sentences
from newsfuse.clean import clean
from newsfuse.dedup import find_duplicates
from newsfuse.errors import InputError
from newsfuse.model import Article, RawDoc, Story
from newsfuse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / ".." / "shared" / "datasets"
DEFAULTS = {
    "allsides": DATASETS / "allsides-stories-dev.jsonl",
    "neus": DATASETS / "neus-dev.jsonl",
}
METRICS = ("rouge1", "rouge2", "rougeL")
SPLIT = 23  # eval/train_summary.py fits on no row i with i % SPLIT in (0, SPLIT // 2)
SYSTEMS = ("newsfuse", "lead3", "textrank")


@dataclass(slots=True)
class Row:
    id: str
    articles: list[tuple[str, str, str]]  # (source, title, text)
    reference: str


def read_rows(path: Path) -> list[Row]:
    """AllSides rows carry `roundup`, NeuS rows `summary`: either is the reference."""
    rows: list[Row] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            data = json.loads(line)
            reference = data.get("roundup") or data.get("summary")
            if not reference or not data.get("articles"):
                continue
            articles = [
                (a.get("source") or f"outlet {k + 1}", a.get("title") or "", a.get("text") or "")
                for k, a in enumerate(data["articles"])
            ]
            rows.append(Row(str(data.get("id", n)), articles, reference))
    return rows


def sample(rows: list[Row], limit: int, heldout: bool = False) -> list[Row]:
    if heldout:
        return rows[SPLIT // 2 :: SPLIT]
    if limit <= 0:
        return rows
    step = max(1, round(len(rows) / limit))
    return rows[::step]


def build_story(row: Row, settings: Settings) -> tuple[Story, dict[str, Article]]:
    articles: dict[str, Article] = {}
    for k, (source, title, text) in enumerate(row.articles):
        raw = RawDoc(
            origin=f"{row.id}:{k}", id=f"{row.id}-{k}", text=text, title=title, source=source
        )
        try:
            article = clean(raw, settings)
        except InputError:
            continue
        articles[article.id] = article
    find_duplicates(list(articles.values()), settings)
    story = Story(id=row.id, title=row.articles[0][1], articles=list(articles))
    return story, articles


def lead3(story: Story, articles: dict[str, Article]) -> list[str]:
    leads = [sentences(articles[a].text) for a in story.articles]
    picked: list[str] = []
    for depth in range(max((len(s) for s in leads), default=0)):
        for found in leads:
            if depth < len(found) and len(picked) < 3:
                picked.append(found[depth])
    return picked


def textrank(story: Story, articles: dict[str, Article], k: int) -> list[str]:
    return textrank_pool([s for a in story.articles for s in sentences(articles[a].text)], k)


def textrank_pool(pool: list[str], k: int) -> list[str]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(pool) <= k:
        return pool
    try:
        tfidf = TfidfVectorizer(stop_words="english").fit_transform(pool)
    except ValueError:  # nothing but stop words
        return pool[:k]
    weights = (tfidf @ tfidf.T).toarray()
    np.fill_diagonal(weights, 0.0)
    rank = pagerank(weights)
    top = sorted(np.argsort(-rank, kind="stable")[:k].tolist())
    return [pool[i] for i in top]


def pagerank(weights: np.ndarray, damping: float = 0.85, tol: float = 1e-8) -> np.ndarray:
    """Power iteration; a sentence linked to nothing spreads its rank evenly."""
    n = len(weights)
    out = weights.sum(axis=1, keepdims=True)
    transition = np.where(out > 0, weights / np.where(out == 0, 1.0, out), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(200):
        new = (1 - damping) / n + damping * transition.T @ rank
        if np.abs(new - rank).sum() < tol:
            return new
        rank = new
    return rank


def evaluate(rows: list[Row], settings: Settings, use_analysis: bool) -> dict[str, Any]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    totals = {s: {m: 0.0 for m in METRICS} for s in SYSTEMS}
    scores: dict[str, dict[str, list[float]]] = {s: {m: [] for m in METRICS} for s in SYSTEMS}
    words = dict.fromkeys(SYSTEMS, 0)
    scored = 0
    started, cpu, in_summary = time.perf_counter(), time.process_time(), 0.0
    for row in rows:
        story, articles = build_story(row, settings)
        if not articles:
            continue
        if use_analysis:
            story.analysis = analyze(story, articles, settings)
        before = time.process_time()
        ours = [s.text for s in summarize(story, articles, settings)]
        in_summary += time.process_time() - before
        outputs = {
            "newsfuse": ours,
            "lead3": lead3(story, articles),
            "textrank": textrank(story, articles, max(len(ours), 1)),
        }
        for system, picked in outputs.items():
            text = "\n".join(picked)
            words[system] += len(text.split())
            result = scorer.score(row.reference, text)
            for m in METRICS:
                totals[system][m] += result[m].fmeasure
                scores[system][m].append(result[m].fmeasure)
        scored += 1
    out: dict[str, Any] = {}
    for system in SYSTEMS:
        prefix = "" if system == "newsfuse" else f"{system}_"
        for m in METRICS:
            out[prefix + m] = round(totals[system][m] / max(scored, 1), 4)
    for base in SYSTEMS[1:]:  # paired differences: the same stories, so their noise cancels
        for m in METRICS:
            diff = np.subtract(scores["newsfuse"][m], scores[base][m])
            half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else 0.0
            out[f"minus_{base}_{m}"] = [round(float(diff.mean()), 4), round(float(half), 4)]
    out["stories"] = scored
    out["words"] = {s: round(words[s] / max(scored, 1), 1) for s in SYSTEMS}
    out["reference_words"] = round(sum(len(r.reference.split()) for r in rows) / len(rows), 1)
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["cpu_seconds"] = round(time.process_time() - cpu, 1)
    out["summary_cpu_seconds"] = round(in_summary, 1)
    return out


def print_table(name: str, result: dict[str, Any]) -> None:
    print(
        f"\n{name}: {result['stories']} stories, reference {result['reference_words']} words, "
        f"{result['seconds']} s ({result['cpu_seconds']} s CPU, summarize() "
        f"{result['summary_cpu_seconds']} s CPU)"
    )
    print(f"{'system':<12}" + "".join(f"{m:>9}" for m in METRICS) + f"{'words':>8}")
    for system in SYSTEMS:
        prefix = "" if system == "newsfuse" else f"{system}_"
        cells = "".join(f"{result[prefix + m]:>9.4f}" for m in METRICS)
        print(f"{system:<12}{cells}{result['words'][system]:>8}")
    for base in SYSTEMS[1:]:
        cells = "".join(
            f"  {result[f'minus_{base}_{m}'][0]:+.4f}±{result[f'minus_{base}_{m}'][1]:.4f}"
            for m in METRICS
        )
        print(f"  newsfuse - {base} (95% CI of the paired difference):{cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", help="JSONL file (repeatable)")
    parser.add_argument("--limit", type=int, default=60, help="stories per dataset; 0 = all")
    parser.add_argument(
        "--heldout", action="store_true", help="rows i %% 23 == 11 (never trained on)"
    )
    parser.add_argument("--encoder", choices=("minilm", "model2vec"), default="minilm")
    parser.add_argument("--no-analysis", action="store_true", help="summary without analysis")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    paths = {p.stem: p for p in args.data} if args.data else DEFAULTS
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        print(f"no data at {', '.join(missing)}", file=sys.stderr)
        return 2
    settings = Settings.from_env(encoder=args.encoder)
    results: dict[str, dict[str, Any]] = {}
    for name, path in paths.items():
        rows = sample(read_rows(path), args.limit, args.heldout)
        results[name] = evaluate(rows, settings, not args.no_analysis)
        print_table(f"{name} ({path.name}, {args.encoder})", results[name])
    if args.json:
        keys = [p + m for p in ("", "lead3_", "textrank_") for m in METRICS]
        summary: dict[str, Any] = {
            k: round(sum(r[k] for r in results.values()) / len(results), 4) for k in keys
        }
        summary["datasets"] = results
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
