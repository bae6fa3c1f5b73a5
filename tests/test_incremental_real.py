"""Batched vs at-once on a few hundred real articles (AllSides and ECB+ from ../shared).

Real texts are read at run time and written to a temporary folder, never into the repository.
The batches go through the neighbourhood path (recluster_limit=0), the one large databases
take; docs/INCREMENTAL.md explains the differences this measures.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

import newsfuse
from newsfuse import api
from newsfuse.settings import Settings
from newsfuse.store import Store

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets not present"),
]


def real_mix(folder: Path, stories: int, topics: int) -> tuple[list[Path], dict[str, str]]:
    """JSONL shards of AllSides stories (dated, three outlets each) and ECB+ topics (two
    events of one kind each), and the gold story of every article id."""
    rows: list[dict[str, str]] = []
    gold: dict[str, str] = {}
    with (SHARED / "allsides-stories-dev.jsonl").open(encoding="utf-8") as f:
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
    with (SHARED / "ecbplus-dev.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if int(row["topic"]) <= topics:
                rows.append({"id": row["id"], "text": row["text"]})
                gold[row["id"]] = f"ecb-{row['event']}"
    random.Random(7).shuffle(rows)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(0, len(rows), 50):
        paths.append(folder / f"part-{k // 50:03d}.jsonl")
        paths[-1].write_text("".join(json.dumps(r) + "\n" for r in rows[k : k + 50]))
    return paths, gold


def bcubed_f1(pred: dict[str, str], ref: dict[str, str]) -> float:
    ids = sorted(set(pred) & set(ref))
    size_p = Counter(pred[a] for a in ids)
    size_r = Counter(ref[a] for a in ids)
    joint = Counter((pred[a], ref[a]) for a in ids)
    p = sum(joint[pred[a], ref[a]] / size_p[pred[a]] for a in ids) / len(ids)
    r = sum(joint[pred[a], ref[a]] / size_r[ref[a]] for a in ids) / len(ids)
    return 2 * p * r / (p + r)


def story_map(db: Path) -> dict[str, str]:
    with Store(db, readonly=True) as store:
        return {a: s.id for s in store.stories() for a in s.articles}


def test_ten_batches_of_a_real_mix_stay_close_to_at_once(tmp_path: Path) -> None:
    paths, gold = real_mix(tmp_path / "mix", stories=30, topics=3)
    common = {"analysis": False, "index_days": 0, "encoder": "model2vec"}
    at_once = tmp_path / "at_once.db"
    newsfuse.run(paths, db=at_once, settings=Settings.from_env(**common), formats=())
    batch = -(-len(gold) // 10)
    settings = Settings.from_env(**common, ingest_batch=batch, recluster_limit=0)
    batched = tmp_path / "batched.db"
    report = api.ingest(paths, batched, settings)
    assert report.batches == 10 and report.new_articles == len(gold)
    once, tenth = story_map(at_once), story_map(batched)
    assert set(once) == set(tenth) == set(gold)
    agreement = bcubed_f1(tenth, once)
    quality = bcubed_f1(once, gold), bcubed_f1(tenth, gold)
    print(f"batched vs at-once BCubed F1 {agreement:.3f}; vs gold {quality}")
    assert agreement >= 0.9
    assert quality[1] >= quality[0] - 0.05
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for article, story in tenth.items():
        groups[story].add(article)
    assert len(groups) < len(gold)  # stories did form across batches
