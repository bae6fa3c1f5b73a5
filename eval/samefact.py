""" "Same fact" decision against the Microsoft Research Paraphrase Corpus (MSRP).

What is scored: the decision fact alignment uses (newsfuse.analysis.samefact: a logistic
regression over MiniLM cosine and lexical pair features). Under k-fold cross-validation the
model and its threshold are fitted on the training folds only and scored on the held-out
fold; the table shows the mean over folds. The fixed model the product ships
(samefact_weights.py) is the same recipe fitted on the whole file, and its threshold is
printed too; `--write` regenerates that file.

`--hard-negatives` checks what MSRP cannot: its pairs were picked for sharing many words, but
a story's candidate pairs are mostly loosely related sentences. Sentences of *different* MSRP
pairs (nearly all different facts, many of them the same template with other figures: "the
Nasdaq rose 8.25 points to 1,861.15") are paired by cosine, and the share the product model
calls "same" is printed per cosine band (bands = percentiles of the paraphrases' cosines).

MiniLM embeddings of the 8,152 sentences take minutes on a CPU, so they are cached in the
newsfuse cache directory, keyed by the data file's hash.

Usage: python eval/samefact.py [--data ../shared/datasets/msrp-train.tsv] [--folds 10]
       [--repeats 5] [--encoder minilm|model2vec] [--hard-negatives] [--json] [--write]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from newsfuse.analysis import samefact_weights
from newsfuse.analysis.samefact import MODELS, SameFactModel, model_for
from newsfuse.analysis.similarity import Profile, pair_features
from newsfuse.embed import get_encoder
from newsfuse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "datasets" / "msrp-train.tsv"
WEIGHTS = ROOT / "src" / "newsfuse" / "analysis" / "samefact_weights.py"


def read_pairs(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    a: list[str] = []
    b: list[str] = []
    labels: list[int] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            if len(row) == 5:
                labels.append(int(row[0]))
                a.append(row[3])
                b.append(row[4])
    return a, b, np.asarray(labels)


def cosines(path: Path, a: list[str], b: list[str], name: str) -> np.ndarray:
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    cache = Path(Settings().cache_dir) / f"eval-samefact-{name}-{digest}.npy"
    if cache.exists():
        return np.asarray(np.load(cache))
    encoder = get_encoder(name)
    values = np.sum(encoder.encode(a) * encoder.encode(b), axis=1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, values)
    return values


def sentence_vectors(path: Path, sentences: list[str], name: str) -> np.ndarray:
    digest = hashlib.sha1(path.read_bytes()).hexdigest()[:16]
    cache = Path(Settings().cache_dir) / f"eval-samefact-{name}-{digest}-vectors.npy"
    if cache.exists():
        return np.asarray(np.load(cache))
    values = get_encoder(name).encode(sentences)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, values)
    return values


def hard_negatives(
    path: Path, a: list[str], b: list[str], y: np.ndarray, name: str, model: SameFactModel
) -> dict[str, float]:
    """Share called "same" among sentences of different MSRP pairs, per cosine band."""
    sentences = sorted(set(a) | set(b))
    index = {t: i for i, t in enumerate(sentences)}
    gold = {frozenset((index[s], index[t])) for s, t in zip(a, b, strict=True)}
    vectors = sentence_vectors(path, sentences, name)
    positives = np.asarray(
        [float(vectors[index[s]] @ vectors[index[t]]) for s, t in zip(a, b, strict=True)]
    )
    edges = [*np.percentile(positives[y == 1], [1, 10, 25, 50]), 1.01]
    pairs: list[tuple[int, int, float]] = []
    for start in range(0, len(sentences), 1000):  # blocks keep the cosine matrix small
        block = vectors[start : start + 1000] @ vectors.T
        for i, j in zip(*np.nonzero(block >= edges[0]), strict=True):
            i = int(i) + start
            if i < j and frozenset((i, int(j))) not in gold:
                pairs.append((i, int(j), float(block[i - start, j])))
    x = np.asarray(
        [pair_features(Profile.of(sentences[i]), Profile.of(sentences[j]), c) for i, j, c in pairs]
    )
    same = model.probability(x) >= model.threshold
    result: dict[str, float] = {"hard_negative_pairs": len(pairs)}
    for lo, hi, label in zip(edges, edges[1:], ("p1", "p10", "p25", "p50"), strict=False):
        band = (x[:, 0] >= lo) & (x[:, 0] < hi)
        result[f"same_rate_cos_{label}_{lo:.2f}"] = (
            float(np.mean(same[band])) if band.any() else 0.0
        )
    result["hard_negatives_called_same"] = int(same.sum())
    return result


def scores(predicted: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    tp = int(np.sum(predicted & (labels == 1)))
    f1 = 2 * tp / (int(predicted.sum()) + int(np.sum(labels == 1)))
    return f1, float(np.mean(predicted == (labels == 1)))


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int, repeats: int = 1) -> dict[str, float]:
    """k-fold CV repeated over `repeats` shuffles: each fold's model and threshold come from
    its training folds only. `*_sd` is the spread of the CV mean over the repeats (how much the
    number moves with the split); `f1_fold_sd` the spread over single folds."""
    from sklearn.model_selection import StratifiedKFold

    f1s, accs, cuts, cos_f1s = [], [], [], []
    per_repeat: list[tuple[float, float]] = []
    for seed in range(repeats):
        split = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y))
        rf, ra = [], []
        for train, test in split:
            model = SameFactModel.fit(x[train], y[train])
            f1, acc = scores(model.probability(x[test]) >= model.threshold, y[test])
            rf.append(f1)
            ra.append(acc)
            cuts.append(model.threshold)
            best = max(
                np.arange(0.3, 0.95, 0.01), key=lambda t: scores(x[train, 0] >= t, y[train])[0]
            )
            cos_f1s.append(scores(x[test, 0] >= best, y[test])[0])
        f1s += rf
        accs += ra
        per_repeat.append((float(np.mean(rf)), float(np.mean(ra))))
    means = np.asarray(per_repeat)
    return {
        "f1": float(np.mean(f1s)),
        "f1_sd": float(np.std(means[:, 0])),
        "f1_fold_sd": float(np.std(f1s)),
        "accuracy": float(np.mean(accs)),
        "accuracy_sd": float(np.std(means[:, 1])),
        "fold_threshold_mean": float(np.mean(cuts)),
        "cosine_only_f1": float(np.mean(cos_f1s)),
    }


def write_weights(models: dict[str, SameFactModel], notes: dict[str, str]) -> None:
    def vec(values: tuple[float, ...]) -> str:
        return "(\n" + "".join(f"            {v!r},\n" for v in values) + "        )"

    body = "".join(
        f'    "{name}": {{\n'
        f'        "mean": {vec(m.mean)},\n'
        f'        "scale": {vec(m.scale)},\n'
        f'        "coef": {vec(m.coef)},\n'
        f'        "intercept": {m.intercept!r},\n'
        f'        "threshold": {m.threshold!r},\n'
        f'        "floor": {m.floor!r},\n'
        "    },\n"
        for name, m in sorted(models.items())
    )
    WEIGHTS.write_text(
        '"""Fixed "same fact" models, generated by eval/samefact.py --write: do not edit.\n\n'
        "One per sentence encoder, fitted on all MSRP training pairs; features in the order of\n"
        "newsfuse.analysis.similarity.FEATURES; threshold = best F1 on that data.\n"
        '"""\n\n'
        f"MODELS = {{\n{body}}}\n\nNOTES = {{\n"
        + "".join(
            f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n"
            for k, v in sorted(notes.items())
        )
        + "}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5, help="CV repeats (shuffles)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--encoder", choices=("minilm", "model2vec"), default="minilm")
    parser.add_argument("--write", action="store_true", help="refit and store the product model")
    parser.add_argument(
        "--hard-negatives", action="store_true", help="'same' rate on pairs across MSRP pairs"
    )
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    a, b, y = read_pairs(args.data)
    cos = cosines(args.data, a, b, args.encoder)
    x = np.asarray(
        [
            pair_features(Profile.of(s), Profile.of(t), float(c))
            for s, t, c in zip(a, b, cos, strict=True)
        ]
    )
    result = cross_validate(x, y, args.folds, args.repeats)
    full = SameFactModel.fit(x, y)
    if args.write:
        note = (
            f"{len(y)} pairs; {args.folds}-fold CV x{args.repeats}: "
            f"F1 {result['f1']:.4f} ± {result['f1_sd']:.4f}, "
            f"accuracy {result['accuracy']:.4f} ± {result['accuracy_sd']:.4f}"
        )
        write_weights(
            {**MODELS, args.encoder: full}, {**samefact_weights.NOTES, args.encoder: note}
        )
    product = full if args.write else model_for(args.encoder)
    result["product_threshold"] = product.threshold
    result["product_cosine_floor"] = product.floor
    result["product_f1_in_sample"], result["product_accuracy_in_sample"] = scores(
        product.probability(x) >= product.threshold, y
    )
    result["pairs"] = len(y)
    if args.hard_negatives:
        result.update(hard_negatives(args.data, a, b, y, args.encoder, product))
    print(
        f"MSRP same-fact ({args.encoder}), {args.folds}-fold CV x{args.repeats} on {len(y)} pairs "
        f"({args.data.name})"
    )
    print(f"{'metric':<28}{'value':>10}")
    for key, value in result.items():
        print(f"{key:<28}{value:>10.4f}" if isinstance(value, float) else f"{key:<28}{value:>10}")
    if args.json:
        print(
            json.dumps(
                {
                    "f1": round(result["f1"], 4),
                    "f1_sd": round(result["f1_sd"], 4),
                    "accuracy": round(result["accuracy"], 4),
                    "accuracy_sd": round(result["accuracy_sd"], 4),
                    "threshold": product.threshold,
                    "encoder": args.encoder,
                    "cosine_only_f1": round(result["cosine_only_f1"], 4),
                    "folds": args.folds,
                    "repeats": args.repeats,
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
