"""Story clustering against gold events: ECB+ (events) and AllSides (stories).

Every article goes through the real pipeline first: RawDoc -> newsfuse.clean.clean ->
newsfuse.dedup.find_duplicates -> newsfuse.cluster.cluster. Scores: BCubed precision, recall
and F1 (per article, Bagga & Baldwin 1998) and pairwise F1; the plain TF-IDF + average-link
baseline (cosine distance cut 0.8) runs on the same cleaned articles for comparison.

    python eval/clustering.py [--data PATH ...] [--encoder minilm|model2vec] [--json]
    python eval/clustering.py --cv      # cross-validated: refit the scorer on one half
                                        # (two splits: a|b contiguous, c|d alternating)
    python eval/clustering.py --fit     # fit scorer weights on all dev data, print them

Dataset format is recognised per row: rows with "event" are ECB+ style (gold = event),
rows with "articles" are AllSides style (gold = story id, published = the story's date).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from math import comb
from pathlib import Path

import numpy as np

from newsfuse.clean import clean
from newsfuse.cluster import entities, evidence, linkage, pairs, profiles, run, scorer
from newsfuse.dedup import find_duplicates
from newsfuse.errors import InputError
from newsfuse.model import Article, RawDoc
from newsfuse.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "datasets"
DEFAULTS = [SHARED / "ecbplus-dev.jsonl", SHARED / "allsides-stories-dev.jsonl"]
BASELINE_CUT = 0.8
NAMES = "cheap"  # name extractor for cluster() and for fitting: "cheap" or "spacy"

Data = tuple[list[Article], dict[str, str], dict[str, str]]  # articles, gold, fold keys


def load(path: Path, settings: Settings) -> Data:
    """Cleaned articles, gold story per article id, and the halves CV splits on: a|b are
    contiguous (ECB+ topics 1-17 | 18-35, AllSides Apr-Jun | Jul-Aug), c|d alternate (odd |
    even topics, odd | even months), so no verdict rests on one cut of the data."""
    articles: list[Article] = []
    gold: dict[str, str] = {}
    fold: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            row = json.loads(line)
            origin = f"{path.name}:{line_no}"
            if "event" in row:
                raws = [(RawDoc(origin, text=row["text"], id=row["id"]), str(row["event"]))]
                topic = int(row["topic"])
                key = ("a" if topic <= 17 else "b") + ("c" if topic % 2 else "d")
            else:
                raws = [
                    (
                        RawDoc(
                            origin,
                            text=a["text"],
                            id=f"{row['id']}-{k}",
                            title=a.get("title"),
                            url=a.get("url"),
                            source=a.get("source"),
                            published=row["date"],
                        ),
                        str(row["id"]),
                    )
                    for k, a in enumerate(row["articles"])
                ]
                month = int(row["date"][5:7])
                key = ("a" if month <= 6 else "b") + ("c" if month % 2 else "d")
            for raw, story in raws:
                try:
                    article = clean(raw, settings)
                except InputError:
                    continue
                articles.append(article)
                gold[article.id] = story
                fold[article.id] = key
    find_duplicates(articles, settings)
    return articles, gold, fold


def scores(pred: dict[str, str], gold: dict[str, str]) -> dict[str, float]:
    ids = sorted(gold)
    by_pred: dict[str, list[str]] = defaultdict(list)
    by_gold: dict[str, list[str]] = defaultdict(list)
    for a in ids:
        by_pred[pred[a]].append(a)
        by_gold[gold[a]].append(a)
    joint = Counter((pred[a], gold[a]) for a in ids)
    precision = sum(joint[pred[a], gold[a]] / len(by_pred[pred[a]]) for a in ids) / len(ids)
    recall = sum(joint[pred[a], gold[a]] / len(by_gold[gold[a]]) for a in ids) / len(ids)
    tp = sum(comb(c, 2) for c in joint.values())
    pp = sum(comb(len(v), 2) for v in by_pred.values())
    gp = sum(comb(len(v), 2) for v in by_gold.values())
    pw_p, pw_r = (tp / pp if pp else 1.0), (tp / gp if gp else 1.0)
    return {
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(2 * precision * recall / (precision + recall), 4),
        "pairwise_f1": round(2 * pw_p * pw_r / (pw_p + pw_r) if pw_p + pw_r else 0.0, 4),
    }


def baseline(articles: list[Article]) -> dict[str, str]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    prob = (x @ x.T).toarray()
    groups = linkage.average_link(prob, BASELINE_CUT)
    return {articles[k].id: str(g) for g, members in enumerate(groups) for k in members}


def predict(articles: list[Article], settings: Settings, **kw: object) -> dict[str, str]:
    kw.setdefault("names", NAMES)
    return {a: s.id for s in run(articles, settings, **kw) for a in s.articles}  # type: ignore[arg-type]


class CachedEncoder:
    """Encodings kept across folds and runs: MiniLM costs minutes per dataset on 2 cores."""

    def __init__(self, inner: object, folder: Path | None) -> None:
        self.inner, self.folder = inner, folder
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]
        self.memo: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo]
        path = None
        if todo and self.folder is not None:
            digest = hashlib.sha1("\0".join([self.name, *todo]).encode()).hexdigest()[:16]
            path = self.folder / f"{self.name}-{digest}.npy"
            if path.exists():
                self.memo.update(zip(todo, np.load(path), strict=True))
                todo = []
        if todo:
            vectors = self.inner.encode(todo)  # type: ignore[attr-defined]
            self.memo.update(zip(todo, vectors, strict=True))
            if path is not None:
                self.folder.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
                np.save(path, vectors)
        return np.stack([self.memo[t] for t in texts]) if texts else np.zeros((0, self.dim))


Pairs = tuple[np.ndarray, np.ndarray, tuple[int, np.ndarray, np.ndarray]]


def training_pairs(articles: list[Article], gold: dict[str, str], settings: Settings) -> Pairs:
    """First-look features of the scan's pairs exactly as cluster() computes them, same-story
    labels, and (articles, i, j) for the second look's agreement rows."""
    originals = [a for a in sorted(articles, key=lambda a: a.id) if a.duplicate_of is None]
    prof = profiles.build(originals, settings, NAMES)
    scan = pairs.scan(prof, settings.time_window_days)
    sims = evidence.pair_sims(prof, scan, evidence.mass_of(prof), scan.i, scan.j, scan.sims)
    same = [
        gold[originals[i].id] == gold[originals[j].id] for i, j in zip(scan.i, scan.j, strict=True)
    ]
    return scorer.features(sims), np.array(same, dtype=bool), (len(originals), scan.i, scan.j)


def fit_on(parts: list[tuple[str, Data, str | None]], settings: Settings) -> scorer.Weights:
    """Both looks, each a logistic regression over both datasets weighted equally: the first on
    every scanned pair, the second on the pairs the first leaves open."""
    found: list[tuple[str, Pairs]] = []
    for name, (articles, gold, fold), key in parts:
        chosen = [a for a in articles if key is None or key in fold[a.id]]
        found.append((name, training_pairs(chosen, gold, settings)))
    first = scorer.fit(
        np.concatenate([x for _, (x, _, _) in found]),
        np.concatenate([y for _, (_, y, _) in found]),
        np.concatenate([np.full(len(y), name) for name, (_, y, _) in found]),
    )
    xs, ys, groups = [], [], []
    for name, (x, y, (n, i, j)) in found:
        verdict = scorer.probability(x, first)
        rows = evidence.agreement_rows(n, i, j, verdict)
        opened = verdict >= scorer.SETTLED
        agreement = pairs.row_dots(rows, i[opened], j[opened])
        xs.append(scorer.with_agreement(x[opened], agreement))
        ys.append(y[opened])
        groups.append(np.full(int(opened.sum()), name))
    second = scorer.fit(np.concatenate(xs), np.concatenate(ys), np.concatenate(groups))
    return scorer.Weights(first, second)


def subset(data: Data, key: str | None) -> Data:
    articles, gold, fold = data
    chosen = [a for a in articles if key is None or key in fold[a.id]]
    ids = {a.id for a in chosen}
    return chosen, {a: g for a, g in gold.items() if a in ids}, fold


def cross_validate(datasets: dict[str, Data], settings: Settings) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for train_key, test_key in (("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")):
        weights = fit_on([(n, d, train_key) for n, d in datasets.items()], settings)
        for name, data in datasets.items():
            arts, gold, _ = subset(data, test_key)
            out[f"{name} joint-fit {train_key}->{test_key}"] = scores(
                predict(arts, settings, weights=weights), gold
            )
    for name in datasets:
        halves = [v for k, v in out.items() if k.startswith(f"{name} joint-fit ")]
        out[f"{name} joint-fit mean of halves"] = {
            k: round(float(np.mean([h[k] for h in halves])), 4) for k in halves[0]
        }
    if len(datasets) == 2:
        for src, dst in (tuple(datasets), tuple(datasets)[::-1]):
            weights = fit_on([(src, datasets[src], None)], settings)
            arts, gold, _ = datasets[dst]
            out[f"{dst} fit on {src} only"] = scores(predict(arts, settings, weights=weights), gold)
    return out


def table(results: dict[str, dict[str, float]]) -> str:
    keys = ["bcubed_precision", "bcubed_recall", "bcubed_f1", "pairwise_f1"]
    width = max(len(k) for k in results) + 2
    lines = [f"{'':<{width}}" + "".join(f"{k:>18}" for k in keys)]
    lines += [
        f"{name:<{width}}" + "".join(f"{r[k]:>18.3f}" for k in keys) for name, r in results.items()
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, action="append", help="JSONL file (repeatable)")
    parser.add_argument("--encoder", choices=["minilm", "model2vec"], default=None)
    parser.add_argument("--names", choices=["cheap", "spacy"], default="cheap")
    parser.add_argument("--cv", action="store_true", help="cross-validated scores too")
    parser.add_argument("--fit", action="store_true", help="fit weights on all data and print")
    parser.add_argument("--cache", type=Path, default=None, help="folder for cached encodings")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    global NAMES
    NAMES = args.names
    settings = Settings.from_env(encoder=args.encoder)
    inner = profiles.get_encoder(settings.encoder, settings.cache_dir)
    cached = CachedEncoder(inner, args.cache)
    profiles.get_encoder = lambda *_a, **_k: cached  # type: ignore[assignment]
    extract = entities.extract
    found: dict[tuple[str, str], list[str]] = {}

    def remembered(texts: Sequence[str], method: str = "cheap") -> list[list[str]]:
        todo = [t for t in dict.fromkeys(texts) if (method, t) not in found]
        found.update(zip([(method, t) for t in todo], extract(todo, method), strict=True))
        return [found[method, t] for t in texts]

    entities.extract = remembered  # type: ignore[assignment]

    paths = args.data or [p for p in DEFAULTS if p.exists()]
    if not paths:
        sys.exit("no dataset found: pass --data PATH")
    datasets = {p.stem.removesuffix("-dev"): load(p, settings) for p in paths}
    results: dict[str, dict[str, float]] = {}
    flat: dict[str, dict[str, float]] = {}
    for name, (articles, gold, _) in datasets.items():
        started = time.perf_counter()
        ours = scores(predict(articles, settings), gold)
        seconds = time.perf_counter() - started
        results[f"{name} newsfuse"] = ours
        results[f"{name} baseline tf-idf"] = scores(baseline(articles), gold)
        flat[name] = ours
        print(
            f"{name}: {len(articles)} articles, {len(set(gold.values()))} gold stories, "
            f"clustered in {seconds:.1f} s ({settings.encoder})",
            file=sys.stderr,
        )
    if args.cv:
        results.update(cross_validate(datasets, settings))
    print(table(results))
    if args.fit:
        weights = fit_on([(n, d, None) for n, d in datasets.items()], settings)
        if args.names != "cheap":  # the shipped weights suit the cheap names only
            for name, (articles, gold, _) in datasets.items():
                refit = scores(predict(articles, settings, weights=weights), gold)
                print(f"{name} newsfuse refit on {args.names} names: {refit}")
        for look, names, values in (
            ("first", scorer.FEATURES, weights.first),
            ("second", scorer.SECOND, weights.second),
        ):
            shown = dict(zip([*names, "bias"], values, strict=True))
            print(f"fitted {look}-look weights ({settings.encoder}):", shown)
        print(repr(weights))
    if args.json:
        print(json.dumps(next(iter(flat.values())) if len(flat) == 1 else flat))


if __name__ == "__main__":
    main()
