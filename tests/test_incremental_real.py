"""Batched vs at-once on a few hundred real articles (AllSides and ECB+ from ../shared).

Real texts are read at run time and written to a temporary folder, never into the repository.
The batches go through the neighbourhood path (recluster_limit=0), the one large databases
take; docs/INCREMENTAL.md explains the differences this measures.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from pathlib import Path

import pytest

import newsfuse
from newsfuse import api
from newsfuse.settings import Settings
from newsfuse.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "datasets"
# The real-mix corpus the incremental bench uses, loaded by file: putting bench/ on sys.path
# would shadow packages (bench/dask.py) for every later test and its spawned workers.
_spec = importlib.util.spec_from_file_location(
    "newsfuse_bench_corpus", ROOT / "bench" / "corpus.py"
)
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)
bcubed, real_mix = corpus.bcubed, corpus.real_mix

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/datasets not present"),
]


def story_map(db: Path) -> dict[str, str]:
    with Store(db, readonly=True) as store:
        return {a: s.id for s in store.stories() for a in s.articles}


def test_ten_batches_of_a_real_mix_stay_close_to_at_once(tmp_path: Path) -> None:
    paths, gold = real_mix(tmp_path / "mix", stories=30, topics=3, shard=50)
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
    agreement = bcubed(tenth, once)["f1"]
    quality = bcubed(once, gold)["f1"], bcubed(tenth, gold)["f1"]
    print(f"batched vs at-once BCubed F1 {agreement:.3f}; vs gold {quality}")
    assert agreement >= 0.9
    assert quality[1] >= quality[0] - 0.05
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for article, story in tenth.items():
        groups[story].add(article)
    assert len(groups) < len(gold)  # stories did form across batches
