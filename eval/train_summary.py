"""Fit the summary's salience model on NeuS stories the evaluation never scores; write its weights.

Rows. NeuS dev (2,759 stories). Never fitted on: every row i with i % 23 == 0 (what
eval/summary.py's evenly spaced samples score: the default 60 rows are i % 46 == 0, --limit
120 gives i % 23 == 0), every row with i % 23 == 11 (eval/summary.py --heldout: this
script's own check), and every NeuS row that shares an article (title or opening text) or
its summary with a story of the AllSides dev set, so AllSides stays a held-out dataset.
What is left is split into --folds folds by row (i % folds) for cross-validation.

Each story goes through the product's own path: clean() and near-duplicate search, the
analysis's facts (all the summary reads of the analysis), then newsfuse.brief.summary's
gather(), which computes the features the shipped summarizer computes. A candidate
sentence is labelled 1 when a greedy oracle picks it: sentences are added while they raise
ROUGE-1 + ROUGE-2 F1 against the editors' summary (rouge-score's tokenizer and stemmer).
A logistic regression (L2, C=1, with the directions of most weights fixed in advance: see
RISING and FALLING) over salience.FEATURES learns P(picked).

Reported, over held-out folds: ROUGE-1/2/L F1 of the summaries that select() makes with
the fitted weights, beside the hand-set relevance the summary used before (centrality +
0.3 support + 0.3 shared wording + lead bonus - penalties), lead order and the oracle's own
picks; then the length rule (summary.MIN_SENTENCES and SHARE) and MMR_LAMBDA swept over
the same folds, which is where those constants come from (training rows, never scored
ones); then the --heldout rows with the model fitted on every training row. Features are
cached under /tmp per encoder.

Run (reads ../shared at run time; not part of CI; ~1 s a story the first time):
  .venv/bin/python eval/train_summary.py [--encoder minilm|model2vec] [--rows N] [--no-write]
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import time
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import summary as evaluation  # eval/summary.py: rows, splits, stories

from newsfuse.analysis.facts import align_facts
from newsfuse.analysis.provenance import trace_provenance
from newsfuse.analysis.vectors import shared_encoder
from newsfuse.brief import salience
from newsfuse.brief.candidates import sentences
from newsfuse.brief.summary import (
    MIN_SENTENCES,
    MMR_LAMBDA,
    SHARE,
    Pool,
    gather,
    reading_order,
    select,
)
from newsfuse.model import Analysis
from newsfuse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src" / "newsfuse" / "brief" / salience.MODEL_FILE
LIMIT = 5  # settings.summary_sentences' default


@dataclass(slots=True)
class Example:
    index: int  # row number in the NeuS file
    pool: Pool
    reference: str
    labels: np.ndarray  # 1 where the oracle picks the candidate
    hand: np.ndarray  # the relevance the summary used before the model
    sentences: list[str]  # every sentence of the cleaned articles, for eval's TextRank


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())[:200]


def allsides_overlap(neus: list[evaluation.Row], allsides: list[evaluation.Row]) -> set[int]:
    """NeuS rows that share an article title, an article's opening or the summary with an
    AllSides story (NeuS was built from AllSides)."""
    keys = {_norm(r.reference) for r in allsides}
    for r in allsides:
        for _, title, text in r.articles:
            keys.update(k for k in (_norm(title), _norm(text)) if len(k) > 20)
    out = set()
    for i, r in enumerate(neus):
        own = {_norm(r.reference)} | {_norm(x) for _, t, x in r.articles for x in (t, x)}
        if own & keys:
            out.add(i)
    return out


def training_rows(neus: list[evaluation.Row], overlap: set[int]) -> list[int]:
    split = evaluation.SPLIT
    return [i for i in range(len(neus)) if i % split not in (0, split // 2) and i not in overlap]


class Rouge:
    """ROUGE-1/2 from stemmed tokens computed once per sentence (the oracle tries many sets)."""

    def __init__(self) -> None:
        from rouge_score import rouge_scorer

        self.scorer = rouge_scorer.RougeScorer(list(evaluation.METRICS), use_stemmer=True)

    def grams(self, text: str) -> tuple[Counter[Any], Counter[Any]]:
        tokens = self.scorer._tokenizer.tokenize(text)
        return Counter(tokens), Counter(itertools.pairwise(tokens))

    @staticmethod
    def f1(candidate: Counter[Any], reference: Counter[Any]) -> float:
        hits = sum((candidate & reference).values())
        if not hits:
            return 0.0
        p, r = hits / sum(candidate.values()), hits / sum(reference.values())
        return 2 * p * r / (p + r)

    def oracle(self, texts: list[str], eligible: list[int], reference: str) -> set[int]:
        ref1, ref2 = self.grams(reference)
        grams = {i: self.grams(texts[i]) for i in eligible}
        picked: set[int] = set()
        have1: Counter[Any] = Counter()
        have2: Counter[Any] = Counter()
        best = 0.0
        while True:
            gains = {
                i: self.f1(have1 + grams[i][0], ref1) + self.f1(have2 + grams[i][1], ref2)
                for i in eligible
                if i not in picked
            }
            if not gains:
                return picked
            i = max(gains, key=lambda k: (gains[k], -k))
            if gains[i] <= best:
                return picked
            best = gains[i]
            picked.add(i)
            have1 += grams[i][0]
            have2 += grams[i][1]

    def score(self, reference: str, picked: list[str]) -> dict[str, float]:
        result = self.scorer.score(reference, "\n".join(picked))
        return {m: result[m].fmeasure for m in evaluation.METRICS}


def hand_relevance(pool: Pool) -> np.ndarray:
    """The hand-set relevance of the summary before the model, from the same signals."""
    x = pool.features
    col = {name: x[:, k] for k, name in enumerate(salience.FEATURES)}
    lead = np.array([1.0 - c.position for c in pool.candidates])
    penalty = 0.1 * col["dangling"] + 0.1 * col["overlong"]
    return col["centrality"] + 0.3 * col["support"] + 0.3 * col["wording"] + 0.05 * lead - penalty


def build(rows: list[evaluation.Row], indexes: list[int], settings: Settings) -> list[Example]:
    rouge = Rouge()
    encoder = shared_encoder(settings)
    out: list[Example] = []
    started = time.perf_counter()
    for n, i in enumerate(indexes):
        story, articles = evaluation.build_story(rows[i], settings)
        members = [articles[a] for a in story.articles]
        if not members:
            continue
        story.analysis = Analysis(facts=align_facts(members, trace_provenance(members), encoder))
        pool = gather(story, articles, settings)
        if pool is None or not pool.eligible:
            continue
        texts = [c.text for c in pool.candidates]
        picked = rouge.oracle(texts, pool.eligible, rows[i].reference)
        labels = np.array([k in picked for k in range(len(texts))], dtype=np.int8)
        every = [s for a in members for s in sentences(a.text)]
        out.append(Example(i, pool, rows[i].reference, labels, hand_relevance(pool), every))
        if n % 200 == 199:
            print(f"  {n + 1}/{len(indexes)} stories, {time.perf_counter() - started:.0f} s")
    return out


def cached(path: Path, indexes: list[int], settings: Settings) -> list[Example]:
    cache = Path(f"/tmp/newsfuse-summary-{settings.encoder}-{path.stem}.pkl")
    have: dict[int, tuple[Any, ...] | None] = {}  # plain tuples: readable from any module
    if cache.exists():
        have = pickle.loads(cache.read_bytes())
    todo = [i for i in indexes if i not in have]
    if todo:
        rows = evaluation.read_rows(path)
        found = {e.index: e for e in build(rows, todo, settings)}
        have.update({i: astuple(e) if (e := found.get(i)) else None for i in todo})
        cache.write_bytes(pickle.dumps(have))
    return [Example(*e) for i in indexes if (e := have.get(i)) is not None]


def astuple(e: Example) -> tuple[Any, ...]:
    return tuple(getattr(e, f.name) for f in fields(e))


# Directions fixed before fitting: more central, better corroborated, closer to the
# headlines, earlier is never worse; later, dangling and overlong never better. Length and
# quotation are left free. Bounded weights ignore what the NeuS leads happen to correlate
# (there, three outlets' leads say much the same, so support, wording and both centralities
# carry one signal and an unbounded fit gives some of them negative weights), and they
# cross-validate as well or better. Independent support keeps at least SUPPORT_FLOOR: a
# product rule (newsfuse prefers what independent sources corroborate) that the fit alone
# would set to zero on NeuS, where centrality already carries it.
RISING = {"centrality", "centrality_gap", "support", "wording", "lexical", "title", "first"}
FALLING = {"rank", "dangling", "overlong"}
SUPPORT_FLOOR = 0.5


def fit(examples: list[Example], c: float = 1.0) -> tuple[float, ...]:
    """L2-regularised logistic regression (sklearn's objective, C=1) with the bounds above."""
    from scipy.optimize import minimize

    x = np.concatenate([e.pool.features[e.pool.eligible] for e in examples]).astype(np.float64)
    y = np.concatenate([e.labels[e.pool.eligible] for e in examples]).astype(np.float64)
    x = np.column_stack([x, np.ones(len(x))])  # intercept last, not penalised
    bounds: list[tuple[float | None, float | None]] = [
        (SUPPORT_FLOOR, None)
        if name == "support"
        else (0.0, None)
        if name in RISING
        else (None, 0.0)
        if name in FALLING
        else (None, None)
        for name in salience.FEATURES
    ]
    bounds.append((None, None))

    def objective(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w
        loss = c * float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * float(w[:-1] @ w[:-1])
        grad = c * x.T @ (1.0 / (1.0 + np.exp(-z)) - y)
        grad[:-1] += w[:-1]
        return loss, grad

    start = np.array([lo or 0.0 for lo, _ in bounds])
    found = minimize(objective, start, jac=True, method="L-BFGS-B", bounds=bounds)
    if not found.success:
        raise RuntimeError(f"the fit did not converge: {found.message}")
    return tuple(float(v) for v in found.x)


def summaries(
    examples: list[Example], relevance: list[np.ndarray], **knobs: float
) -> dict[str, float]:
    """ROUGE-1/2/L F1 (rouge-score, as eval/summary.py) of the summaries select() makes."""
    rouge = Rouge()
    totals = dict.fromkeys(evaluation.METRICS, 0.0)
    words = 0
    for e, rel in zip(examples, relevance, strict=True):
        picks = reading_order(e.pool, select(e.pool, rel, LIMIT, **knobs), rel)
        picked = [e.pool.candidates[i].text for i in picks]
        words += sum(len(t.split()) for t in picked)
        for m, v in rouge.score(e.reference, picked).items():
            totals[m] += v
    out = {m: round(v / max(len(examples), 1), 4) for m, v in totals.items()}
    out["words"] = round(words / max(len(examples), 1), 1)
    return out


def textrank_summaries(examples: list[Example], model: list[np.ndarray]) -> dict[str, float]:
    """eval/summary.py's TextRank baseline: all sentences, as many as the model's summary."""
    rouge = Rouge()
    totals = dict.fromkeys(evaluation.METRICS, 0.0)
    words = 0
    for e, rel in zip(examples, model, strict=True):
        picked = evaluation.textrank_pool(e.sentences, max(len(select(e.pool, rel, LIMIT)), 1))
        words += sum(len(t.split()) for t in picked)
        for m, v in rouge.score(e.reference, picked).items():
            totals[m] += v
    out = {m: round(v / max(len(examples), 1), 4) for m, v in totals.items()}
    out["words"] = round(words / max(len(examples), 1), 1)
    return out


def quick(
    examples: list[Example], relevance: list[np.ndarray], grams: dict[int, Any], **knobs: float
) -> dict[str, float]:
    """ROUGE-1/2 F1 only, from tokens stemmed once: for sweeps over the length rule."""
    r1 = r2 = words = 0.0
    for e, rel in zip(examples, relevance, strict=True):
        picks = select(e.pool, rel, LIMIT, **knobs)
        sentences, (ref1, ref2) = grams[e.index]
        r1 += Rouge.f1(sum((sentences[i][0] for i in picks), Counter()), ref1)
        r2 += Rouge.f1(sum((sentences[i][1] for i in picks), Counter()), ref2)
        words += sum(len(e.pool.candidates[i].text.split()) for i in picks)
    n = max(len(examples), 1)
    return {"rouge1": round(r1 / n, 4), "rouge2": round(r2 / n, 4), "words": round(words / n, 1)}


def model_relevance(examples: list[Example], weights: tuple[float, ...], enc: str) -> list:
    model = salience.SalienceModel({enc: weights})
    return [model.probability(e.pool.features, enc) for e in examples]


def lead_relevance(examples: list[Example]) -> list[np.ndarray]:
    return [np.array([-float(c.rank) for c in e.pool.candidates]) for e in examples]


def line(name: str, res: dict[str, float]) -> None:
    print(
        f"{name:<10}"
        + "".join(f"{res[m]:>9.4f}" for m in evaluation.METRICS)
        + f"{res['words']:>8}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=evaluation.DEFAULTS["neus"])
    ap.add_argument("--allsides", type=Path, default=evaluation.DEFAULTS["allsides"])
    ap.add_argument("--encoder", choices=("minilm", "model2vec"), default="minilm")
    ap.add_argument("--rows", type=int, default=0, help="train on every k-th row, about N")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    for p in (args.data, args.allsides):
        if not p.exists():
            print(f"no data at {p}", file=sys.stderr)
            return 2
    settings = Settings.from_env(encoder=args.encoder)
    neus = evaluation.read_rows(args.data)
    overlap = allsides_overlap(neus, evaluation.read_rows(args.allsides))
    train = training_rows(neus, overlap)
    if args.rows:
        train = train[:: max(1, round(len(train) / args.rows))]
    held_rows = [i for i in range(len(neus)) if i % evaluation.SPLIT == evaluation.SPLIT // 2]
    print(
        f"NeuS rows {len(neus)}: sharing a story with AllSides {len(overlap)}, "
        f"training {len(train)}, held out (--heldout) {len(held_rows)}"
    )
    examples = cached(args.data, train, settings)
    held_out = cached(args.data, held_rows, settings)
    folds = [[e for e in examples if e.index % args.folds == k] for k in range(args.folds)]
    print(f"stories with candidates: training {len(examples)}, held out {len(held_out)}")
    cv: dict[str, list[np.ndarray]] = {"model": [], "hand": [], "lead": [], "oracle": []}
    ordered: list[Example] = []
    for k, fold in enumerate(folds):
        rest = [e for j, f in enumerate(folds) if j != k for e in f]
        weights = fit(rest)
        ordered += fold
        cv["model"] += model_relevance(fold, weights, args.encoder)
    cv["hand"] = [e.hand for e in ordered]
    cv["lead"] = lead_relevance(ordered)
    cv["oracle"] = [e.labels.astype(float) for e in ordered]
    results: dict[str, Any] = {"cv": {}, "heldout": {}, "length": {}, "mmr": {}}
    print(
        f"\ncross-validated ({args.folds} folds, {len(ordered)} stories); "
        f"share {SHARE}, at least {MIN_SENTENCES} sentence(s), MMR lambda {MMR_LAMBDA}"
    )
    print(f"{'relevance':<10}" + "".join(f"{m:>9}" for m in evaluation.METRICS) + f"{'words':>8}")
    for name, rel in cv.items():
        res = results["cv"][name] = summaries(ordered, rel)
        line(name, res)
    res = results["cv"]["textrank"] = textrank_summaries(ordered, cv["model"])
    line("textrank", res)
    rouge = Rouge()
    grams = {
        e.index: ([rouge.grams(c.text) for c in e.pool.candidates], rouge.grams(e.reference))
        for e in ordered
    }
    print("\nlength rule (least sentences, share of the words), cross-validated model: R1 R2 words")
    for least in (1, 2, 3):
        cells = []
        for share in (0.25, 0.3, 0.35, 0.4):
            res = quick(ordered, cv["model"], grams, share=share, least=least)
            results["length"][f"{least} {share}"] = res
            cells.append(f"{share}: {res['rouge1']:.4f} {res['rouge2']:.4f} {res['words']:>5}")
        print(f"  {least}   " + "   ".join(cells))
    print("\nrelevance against novelty (MMR lambda), cross-validated model: R1 R2 words")
    for mmr in (0.5, 0.7, 0.8, 0.9, 1.0):
        res = results["mmr"][mmr] = quick(ordered, cv["model"], grams, mmr=mmr)
        print(f"  {mmr:<5} {res['rouge1']:.4f} {res['rouge2']:.4f} {res['words']:>5}")
    weights = fit(examples)
    print(f"\n--heldout rows ({len(held_out)} stories), model fitted on all training rows")
    fitted = model_relevance(held_out, weights, args.encoder)
    for name, rel in {
        "model": fitted,
        "hand": [e.hand for e in held_out],
        "lead": lead_relevance(held_out),
    }.items():
        res = results["heldout"][name] = summaries(held_out, rel)
        line(name, res)
    res = results["heldout"]["textrank"] = textrank_summaries(held_out, fitted)
    line("textrank", res)
    print(
        "\nweights: "
        + ", ".join(f"{n} {w:+.3f}" for n, w in zip(salience.FEATURES, weights, strict=False))
    )
    if not args.no_write:
        write(weights, args.encoder, len(examples), results["cv"]["model"])
    if args.json:
        print(json.dumps(results))
    return 0


def write(weights: tuple[float, ...], encoder: str, stories: int, cv: dict[str, float]) -> None:
    """Replace this encoder's weights in the shipped file, keeping the other encoder's."""
    data: dict[str, Any] = {}
    if MODEL.exists():
        data = json.loads(MODEL.read_text(encoding="utf-8"))
        if data.get("names") != list(salience.FEATURES):
            data = {}
    data["about"] = (
        "logistic regression over newsfuse.brief.salience.FEATURES, intercept last; "
        "written by eval/train_summary.py"
    )
    data["names"] = list(salience.FEATURES)
    data.setdefault("weights", {})[encoder] = [round(w, 5) for w in weights]
    data.setdefault("trained", {})[encoder] = {"neus_stories": stories, "cv": cv}
    MODEL.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
