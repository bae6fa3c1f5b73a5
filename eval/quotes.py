"""Quote detection and speaker attribution against PolNeAR (Newell et al., LREC 2018).

PolNeAR annotates every attribution of political news articles in brat stand-off files
(Source, Cue and Content spans as character offsets into text/*.txt). Where an article has
several annotators' files, the first by name is used.

What is scored
  direct   gold: attributions whose Content contains a quotation mark (fully quoted or mixed);
           predicted: quote mentions taken from quotation marks.
  all      gold: every attribution with a Content span; predicted: direct and reported speech.
  Fragments of one attribution (“A,” he said. “B.”) are one item on both sides: predicted
  mentions sharing a cue are merged.

Matching is one-to-one (greedy, largest token overlap first):
  exact    equal spans after trimming spaces, quotation marks and edge punctuation;
  overlap  at least one shared word token (the lenient match of PARC evaluations).
  Citron (BBC) instead scores overlap as the share of overlapping tokens; that number is
  printed as "token" for content spans.
Source (speaker) attribution: a predicted attribution with a source is right when its content
overlaps the gold content it was matched to and its source span matches the gold Source span
(exact / overlap). Recall is over gold attributions that have a Source.

Usage: python eval/quotes.py [--data ../shared/datasets/polnear/dev] [--json] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from newsfuse.analysis.entity_nlp import process
from newsfuse.analysis.quote_finder import QuoteMention, find_mentions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "datasets" / "polnear" / "dev"
QUOTE_MARKS = "\"“”„«»‘’'"
_EDGE = " \t\n\xa0\"“”„«»‘’',.;:!?—–-…()"
_WORD = re.compile(r"\w+")

Spans = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class Attribution:
    content: Spans
    source: Spans | None
    direct: bool


def _trim(text: str, spans: Spans) -> Spans:
    out = []
    for s, e in spans:
        while s < e and text[s] in _EDGE:
            s += 1
        while e > s and text[e - 1] in _EDGE:
            e -= 1
        if e > s:
            out.append((s, e))
    return tuple(sorted(out))


def load_gold(folder: Path) -> list[tuple[str, str, list[Attribution]]]:
    docs = []
    for txt in sorted((folder / "text").glob("*.txt")):
        anns = sorted((folder / "attributions").glob(f"{txt.stem}_*.ann"))
        if not anns:
            continue
        text = txt.read_text(encoding="utf-8")
        spans: dict[str, Spans] = {}
        gold: list[Attribution] = []
        for line in anns[0].read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if line.startswith("T") and len(parts) >= 2:
                _, _, offsets = parts[1].partition(" ")
                spans[parts[0]] = tuple(
                    (int(a), int(b)) for a, b in (p.split() for p in offsets.split(";"))
                )
            elif line.startswith("E") and len(parts) >= 2:
                args = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
                content = spans.get(args.get("Content", ""))
                if not content:
                    continue
                source = spans.get(args.get("Source", ""))
                raw = " ".join(text[s:e] for s, e in content)
                direct = any(c in raw for c in QUOTE_MARKS if c not in "'’")
                gold.append(Attribution(content, source, direct))
        docs.append((txt.stem, text, gold))
    return docs


def predictions(text: str, mentions: list[QuoteMention]) -> list[Attribution]:
    """Mentions sharing a cue (a split quote) become one multi-fragment attribution."""
    merged: dict[tuple[int, int], list[QuoteMention]] = {}
    for i, m in enumerate(mentions):
        key = (m.cue_start, m.direct) if m.cue_start >= 0 else (-1 - i, m.direct)
        merged.setdefault(key, []).append(m)
    out = []
    for group in merged.values():
        src = group[0].source
        out.append(
            Attribution(
                tuple((m.start, m.end) for m in group),
                ((src.start, src.end),) if src else None,
                group[0].direct,
            )
        )
    return out


class Tokens:
    def __init__(self, text: str) -> None:
        self.owner = [-1] * (len(text) + 1)
        for k, m in enumerate(_WORD.finditer(text)):
            for c in range(m.start(), m.end()):
                self.owner[c] = k

    def of(self, spans: Spans) -> set[int]:
        return {self.owner[c] for s, e in spans for c in range(s, e) if self.owner[c] >= 0}


def match(
    text: str, tok: Tokens, gold: list[Attribution], pred: list[Attribution]
) -> tuple[list[tuple[int, int]], int]:
    """One-to-one content matches by overlap (largest first) and the count of exact ones."""
    gsets = [tok.of(g.content) for g in gold]
    psets = [tok.of(p.content) for p in pred]
    pairs = sorted(
        ((len(gs & ps), gi, pi) for gi, gs in enumerate(gsets) for pi, ps in enumerate(psets)),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    matched = []
    for shared, gi, pi in pairs:
        if shared == 0:
            break
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gi, pi))
    gtrim = {_trim(text, g.content) for g in gold}
    exact = sum(1 for p in pred if _trim(text, p.content) in gtrim)
    return matched, exact


def prf(tp: float, n_pred: float, n_gold: float) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(folder: Path, limit: int | None = None) -> dict[str, float]:
    docs = load_gold(folder)[:limit]
    started = time.perf_counter()
    paragraphs = process([text for _, text, _ in docs])
    counts: dict[str, float] = {}

    def add(key: str, value: float) -> None:
        counts[key] = counts.get(key, 0.0) + value

    for (_, text, gold), paras in zip(docs, paragraphs, strict=True):
        pred_all = predictions(text, find_mentions(text, paras))
        tok = Tokens(text)
        for subset in ("direct", "all"):
            g = [a for a in gold if subset == "all" or a.direct]
            p = [a for a in pred_all if subset == "all" or a.direct]
            matched, exact = match(text, tok, g, p)
            add(f"{subset}_gold", len(g))
            add(f"{subset}_pred", len(p))
            add(f"{subset}_exact", exact)
            add(f"{subset}_overlap", len(matched))
            gtok = set().union(*(tok.of(a.content) for a in g)) if g else set()
            ptok = set().union(*(tok.of(a.content) for a in p)) if p else set()
            add(f"{subset}_tok_shared", len(gtok & ptok))
            add(f"{subset}_tok_gold", len(gtok))
            add(f"{subset}_tok_pred", len(ptok))
            add(f"{subset}_src_gold", sum(1 for a in g if a.source))
            add(f"{subset}_src_pred", sum(1 for a in p if a.source))
            for gi, pi in matched:
                gs, ps = g[gi].source, p[pi].source
                if gs is None or ps is None:
                    continue
                add(f"{subset}_src_exact", _trim(text, gs) == _trim(text, ps))
                add(f"{subset}_src_overlap", bool(tok.of(gs) & tok.of(ps)))
    seconds = time.perf_counter() - started
    result: dict[str, float] = {"articles": len(docs), "seconds": round(seconds, 1)}
    for subset in ("direct", "all"):
        prefix = "" if subset == "direct" else "all_"
        c = lambda k, s=subset: counts.get(f"{s}_{k}", 0.0)  # noqa: E731
        for kind in ("exact", "overlap"):
            p, r, f = prf(c(kind), c("pred"), c("gold"))
            result |= {f"{prefix}quote_p_{kind}": p, f"{prefix}quote_r_{kind}": r}
            result[f"{prefix}quote_f1_{kind}"] = f
            p, r, f = prf(c(f"src_{kind}"), c("src_pred"), c("src_gold"))
            result |= {f"{prefix}source_p_{kind}": p, f"{prefix}source_r_{kind}": r}
            result[f"{prefix}source_f1_{kind}"] = f
        p, r, f = prf(c("tok_shared"), c("tok_pred"), c("tok_gold"))
        result |= {f"{prefix}quote_p_token": p, f"{prefix}quote_r_token": r}
        result[f"{prefix}quote_f1_token"] = f
        result[f"{prefix}gold"] = c("gold")
        result[f"{prefix}predicted"] = c("pred")
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}


def table(result: dict[str, float]) -> str:
    lines = [f"{'subset':<8} {'what':<8} {'match':<8} {'P':>6} {'R':>6} {'F1':>6}"]
    for subset, prefix in (("direct", ""), ("all", "all_")):
        for what in ("quote", "source"):
            for kind in ("exact", "overlap", "token"):
                if what == "source" and kind == "token":
                    continue
                p, r, f = (result[f"{prefix}{what}_{x}_{kind}"] for x in ("p", "r", "f1"))
                lines.append(f"{subset:<8} {what:<8} {kind:<8} {p:6.3f} {r:6.3f} {f:6.3f}")
        lines.append(
            f"{subset:<8} gold {result[prefix + 'gold']:.0f}, "
            f"predicted {result[prefix + 'predicted']:.0f}"
        )
    lines.append(f"{result['articles']} articles, {result['seconds']} s")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT, help="a PolNeAR split folder")
    parser.add_argument("--json", action="store_true", help="print JSON as the last line")
    parser.add_argument("--limit", type=int, default=None, help="score only N articles")
    args = parser.parse_args()
    if not (args.data / "text").is_dir():
        print(
            f"no PolNeAR split at {args.data} (expected text/ and attributions/)", file=sys.stderr
        )
        return 2
    result = evaluate(args.data, args.limit)
    print(table(result))
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
