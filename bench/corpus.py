"""Synthetic corpora built from real texts in ../shared, for benchmarks only.

Real articles (ECB+, AllSides, NeuS) are perturbed the way the web perturbs news: exact
copies, partial copies, inserted clutter lines, shuffled paragraphs. The texts are read at
run time and written to a temporary folder, never into the repository.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
CLUTTER = [
    "Share this article",
    "Subscribe to our newsletter",
    "- Advertisement -",
    "Related Articles",
    "Comments (0)",
    "Follow us on social media",
    "Click here to read more",
]


def real_texts(limit: int | None = None) -> list[tuple[str, str]]:
    """(title, text) pairs of real articles from the shared datasets."""
    texts: list[tuple[str, str]] = []
    for row in _jsonl(SHARED / "ecbplus-dev.jsonl"):
        text = row["text"]
        texts.append((text.split("\n", 1)[0][:120], text))
    for name in ("allsides-stories-dev.jsonl", "neus-dev.jsonl"):
        for row in _jsonl(SHARED / name):
            for a in row["articles"]:
                if a.get("text"):
                    texts.append((a.get("title") or "", a["text"]))
            if limit and len(texts) >= limit:
                return texts[:limit]
    return texts[:limit] if limit else texts


def _jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def perturb(text: str, rng: random.Random) -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    kind = rng.random()
    if kind < 0.15:  # exact copy
        return text
    if kind < 0.3 and len(paragraphs) > 2:  # partial copy
        return "\n\n".join(paragraphs[: max(2, len(paragraphs) * 2 // 3)])
    if kind < 0.5 and len(paragraphs) > 2:  # shuffled paragraphs
        rng.shuffle(paragraphs)
    out = []
    for p in paragraphs:
        out.append(p)
        if rng.random() < 0.2:
            out.append(rng.choice(CLUTTER))
    return "\n\n".join(out)


def write_corpus(folder: Path, n: int, seed: int = 13, shard: int = 10_000) -> list[Path]:
    """Write n articles as JSONL shards; each is a perturbed copy of a real text."""
    rng = random.Random(seed)
    base = real_texts()
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    handle = None
    for i in range(n):
        if i % shard == 0:
            if handle:
                handle.close()
            paths.append(folder / f"part-{i // shard:05d}.jsonl")
            handle = paths[-1].open("w", encoding="utf-8")
        title, text = base[rng.randrange(len(base))]
        day = 1 + rng.randrange(28)
        row = {
            "id": f"bench-{i}",
            "title": title,
            "text": perturb(text, rng),
            "source": f"outlet{rng.randrange(200)}.example",
            "published": f"2021-{1 + rng.randrange(12):02d}-{day:02d}",
        }
        assert handle is not None
        handle.write(json.dumps(row) + "\n")
    if handle:
        handle.close()
    return paths


def real_mix(
    folder: Path, stories: int, topics: int, shard: int = 200
) -> tuple[list[Path], dict[str, str]]:
    """AllSides stories (dated) and ECB+ topics (several events of one kind each) as JSONL
    shards, with each article's gold story: a real mix for batched-vs-at-once comparisons."""
    shared = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
    rows: list[dict[str, str]] = []
    gold: dict[str, str] = {}
    with (shared / "allsides-stories-dev.jsonl").open(encoding="utf-8") as f:
        for line in list(f)[:stories]:
            story = json.loads(line)
            for k, a in enumerate(story["articles"]):
                rid = f"{story['id']}-{k}"
                rows.append(
                    {
                        "id": rid,
                        "title": a.get("title") or "",
                        "text": a["text"],
                        "source": a.get("source") or "allsides",
                        "published": story["date"][:10],
                    }
                )
                gold[rid] = story["id"]
    with (shared / "ecbplus-dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if int(row["topic"]) <= topics:
                rows.append({"id": row["id"], "text": row["text"]})
                gold[row["id"]] = f"ecb-{row['event']}"
    random.Random(7).shuffle(rows)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(0, len(rows), shard):
        paths.append(folder / f"part-{k // shard:03d}.jsonl")
        paths[-1].write_text("".join(json.dumps(r) + "\n" for r in rows[k : k + shard]))
    return paths, gold


def bcubed(pred: dict[str, str], ref: dict[str, str]) -> dict[str, float]:
    ids = sorted(set(pred) & set(ref))
    size_p = Counter(pred[a] for a in ids)
    size_r = Counter(ref[a] for a in ids)
    joint = Counter((pred[a], ref[a]) for a in ids)
    p = sum(joint[pred[a], ref[a]] / size_p[pred[a]] for a in ids) / len(ids)
    r = sum(joint[pred[a], ref[a]] / size_r[ref[a]] for a in ids) / len(ids)
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}
