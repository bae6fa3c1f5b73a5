"""Train the plain-text clutter classifier on the article-extraction pages; write its weights.

Each page becomes what a scraper leaves: the text of every block element, one line each,
cropped to windows around the article: with a few random lines of page furniture before
and after (scraped text keeps some head and much tail clutter), and with none. A line is
labelled content when it is (mostly) part of the page's ground-truth article body,
clutter when it is not, and left out of training when that cannot be told (short
fragments that occur inside the body). The page title is removed first, as clean() takes
it out before classifying.

Reports precision/recall of the clutter class over 5 folds grouped by page (held-out pages),
then fits on every page and writes src/newsfuse/clean/clutter_model.json (weights only, no
text). Run: .venv/bin/python eval/train_clutter.py [--data PATH] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from pathlib import Path

import lxml.html
import numpy as np
from sklearn.linear_model import LogisticRegression

from newsfuse.clean.clutter import decide
from newsfuse.clean.features import NAMES, features, shapes
from newsfuse.clean.normalize import normalize

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "datasets" / "article-extraction"
MODEL = ROOT / "src" / "newsfuse" / "clean" / "clutter_model.json"
_TOKEN = re.compile(r"\w+")
_BLOCK_TAGS = (
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tr td "
    "th ul button option label caption summary menu"
)
_SKIP_TAGS = "script style noscript template svg iframe head select canvas object"
_BLOCK, _SKIP = frozenset(_BLOCK_TAGS.split()), frozenset(_SKIP_TAGS.split())


def page_lines(html: str) -> tuple[list[str], set[str]]:
    """Whole-page text, one line per block element; and the page's title strings."""
    root = lxml.html.document_fromstring(html)
    titles = {normalize(t.text_content()).lower() for t in root.iter("h1", "title")}
    for meta in root.iter("meta"):
        if meta.get("property") in ("og:title", "twitter:title"):
            titles.add(normalize(meta.get("content") or "").lower())
    titles |= {part.strip() for t in list(titles) for part in re.split(r" [|–—-] ", t)}
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or not tag:
            parts.append(el.tail or "")
            return
        block = tag in _BLOCK
        parts.append("\n" if block else "")
        parts.append(el.text or "")
        for child in el:
            walk(child)
        parts.append("\n" if block else "")
        parts.append(el.tail or "")

    body = root.find("body")
    walk(body if body is not None else root)
    lines = [line for line in normalize("".join(parts)).split("\n") if line]
    return lines, {t for t in titles if t}


def label(
    line: str, gt_grams: set[tuple[str, ...]], gt_paras: set[tuple[str, ...]], gt_joined: str
) -> int:
    """1 clutter, 0 content, -1 cannot tell."""
    toks = tuple(t.lower() for t in _TOKEN.findall(line))
    if not toks:
        return 1
    if len(toks) < 4:
        if toks in gt_paras:
            return 0
        return -1 if f" {' '.join(toks)} " in gt_joined else 1
    grams = [toks[i : i + 4] for i in range(len(toks) - 3)]
    frac = sum(1 for g in grams if g in gt_grams) / len(grams)
    return 0 if frac >= 0.5 else 1 if frac <= 0.2 else -1


def documents(data: Path, seed: int = 13) -> list[tuple[str, list[str], list[int]]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for key in sorted(truth):
        body = truth[key]["articleBody"]
        toks = [t.lower() for t in _TOKEN.findall(body)]
        grams = {tuple(toks[i : i + 4]) for i in range(len(toks) - 3)}
        paras = {tuple(t.lower() for t in _TOKEN.findall(p)) for p in body.split("\n")}
        joined = f" {' '.join(toks)} "
        with gzip.open(
            data / "html" / f"{key}.html.gz", "rt", encoding="utf-8", errors="replace"
        ) as f:
            lines, titles = page_lines(f.read())
        lines = [line for line in lines if line.lower() not in titles]
        labels = [label(line, grams, paras, joined) for line in lines]
        content = [i for i, y in enumerate(labels) if y == 0]
        if not content:
            continue
        rng = random.Random(f"{seed}:{key}")
        # Scraped text may start and end right at the article or keep some furniture
        # around it; the crops cover both, so a line's place alone decides nothing.
        crops = ((rng.randint(0, 6), rng.randint(0, 25)), (rng.randint(0, 2), 4), (0, 0))
        for head, tail in crops:
            lo, hi = max(0, content[0] - head), min(len(lines), content[-1] + 1 + tail)
            docs.append((key, lines[lo:hi], labels[lo:hi]))
    return docs


def matrix(docs: list[tuple[str, list[str], list[int]]]) -> dict[str, np.ndarray]:
    """Every line of every document; unlabelled lines (-1) are context, not training rows."""
    x, y, groups, sizes, doc, prose, tier = [], [], [], [], [], [], []
    for d, (key, lines, labels) in enumerate(docs):
        x.extend(features(lines))
        y.extend(labels)
        groups.extend([key] * len(lines))
        doc.extend([d] * len(lines))
        sizes.extend(len(_TOKEN.findall(line)) for line in lines)
        shp = shapes(lines)
        prose.extend(s.prose for s in shp)
        tier.extend(s.tier for s in shp)
    index = {key: i for i, key in enumerate(sorted(set(groups)))}
    return {
        "x": np.array(x),
        "y": np.array(y),
        "groups": np.array(groups),
        "page": np.array([index[g] for g in groups]),
        "sizes": np.array(sizes),
        "doc": np.array(doc),
        "prose": np.array(prose),
        "tier": np.array(tier),
    }


def scores(m: dict[str, np.ndarray], rows: np.ndarray, removed: np.ndarray) -> dict[str, float]:
    """Precision/recall of the clutter class, per line and per word, over labelled rows."""
    y, pred, prose = m["y"][rows], removed[rows], m["prose"][rows]
    out = {}
    for name, weight in (("lines", np.ones(len(y))), ("words", m["sizes"][rows])):
        tp = float(weight[pred & (y == 1)].sum())
        fp = float(weight[pred & (y == 0)].sum())
        fn = float(weight[~pred & (y == 1)].sum())
        out[f"{name}_precision"] = tp / (tp + fp) if tp + fp else 1.0
        out[f"{name}_recall"] = tp / (tp + fn) if tp + fn else 1.0
    out["content_prose_lost"] = float((pred & (y == 0) & prose).sum() / ((y == 0) & prose).sum())
    return out


def with_rules(
    docs: list[tuple[str, list[str], list[int]]],
    p: np.ndarray,
    thresholds: tuple[float, float, float],
) -> np.ndarray:
    """What clean() removes: the held-out scores put through clutter.decide()."""
    out, at = [], 0
    for _, lines, _ in docs:
        out.extend(decide(lines, shapes(lines), p[at : at + len(lines)], thresholds))
        at += len(lines)
    return np.array(out)


def fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    keep = y >= 0
    model = LogisticRegression(C=1.0, max_iter=3000, fit_intercept=False)
    return model.fit(x[keep], y[keep]).coef_[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--thresholds",
        type=float,
        nargs=3,
        default=(0.65, 0.8, 0.9),
        metavar=("LINE", "SENTENCE", "PARAGRAPH"),
        help="clutter probability needed to remove a line / a sentence / a paragraph",
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    docs = documents(args.data)
    m = matrix(docs)
    if m["x"].shape[1] != len(NAMES):
        raise SystemExit(f"feature vector has {m['x'].shape[1]} values, NAMES {len(NAMES)}")
    pages = sorted(set(m["groups"]))
    order = random.Random(7).sample(pages, len(pages))
    fold_of = {page: i % 5 for i, page in enumerate(order)}
    folds = np.array([fold_of[g] for g in m["groups"]])
    held = np.zeros(len(m["y"]))
    for k in range(5):
        test = folds == k
        held[test] = 1.0 / (1.0 + np.exp(-(m["x"][test] @ fit(m["x"][~test], m["y"][~test]))))
    labelled = m["y"] >= 0
    ruled = with_rules(docs, held, args.thresholds)
    results = {
        "classifier": scores(m, labelled, held >= np.asarray(args.thresholds)[m["tier"]]),
        "classifier+rules": scores(m, labelled, ruled),
    }
    print(
        f"pages {len(pages)}  labelled lines {labelled.sum()}  "
        f"clutter share {m['y'][labelled].mean():.3f}  thresholds {tuple(args.thresholds)}"
    )
    print(f"{'clutter, held-out pages (5 folds)':<36}{'precision':>10}{'recall':>8}")
    for name, res in results.items():
        for unit in ("lines", "words"):
            print(
                f"  {name:<18} per {unit:<9}"
                f"{res[unit + '_precision']:>10.3f}{res[unit + '_recall']:>8.3f}"
            )
        print(f"  {name:<18} content paragraphs removed {res['content_prose_lost']:.4f}")
    res = results["classifier+rules"]
    weights = fit(m["x"], m["y"])
    if not args.no_write:
        MODEL.write_text(
            json.dumps(
                {
                    "about": "logistic regression over newsfuse.clean.features (bias_one is the "
                    "intercept); written by eval/train_clutter.py",
                    "names": NAMES,
                    "weights": [round(float(v), 5) for v in weights],
                    "thresholds": dict(
                        zip(("line", "sentence", "paragraph"), args.thresholds, strict=True)
                    ),
                    "heldout": {k: round(v, 4) for k, v in res.items()},
                    "pages": len(pages),
                },
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
    if args.json:
        print(json.dumps({"pages": len(pages), "lines": int(labelled.sum()), **res}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
