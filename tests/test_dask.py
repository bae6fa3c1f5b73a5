"""The Dask engine on a real LocalCluster: same stories and duplicate links as the local engine,
and a worker killed mid-run either costs nothing (Dask retries) or fails cleanly."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsfuse import api
from newsfuse.errors import NewsfuseError
from newsfuse.model import Report
from newsfuse.settings import Settings

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ECB = ROOT / ".." / "shared" / "datasets" / "ecbplus-dev.jsonl"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local,
        distributed.Client(local) as client,
    ):
        yield local, client


def _fast() -> Settings:
    return Settings.from_env(encoder="model2vec", analysis=False)


def _outcome(report: Report) -> tuple[Any, ...]:
    stories = [
        (s.id, s.articles, s.title, [(m.article, m.reason) for m in s.members], s.summary)
        for s in report.stories
    ]
    links = sorted((a.id, a.duplicate_of, a.duplicate_score) for a in report.articles)
    return stories, links


def _tables(db: Path) -> dict[str, list[Any]]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: sorted(map(repr, conn.execute(f'SELECT * FROM "{n}"'))) for n in names}


def test_examples_give_the_same_stories_links_and_analysis(cluster: Any, tmp_path: Path) -> None:
    settings = Settings.from_env(encoder="model2vec")  # MiniLM loads too slowly for a test
    local = api.run([EXAMPLES], db=tmp_path / "local.db", settings=settings)
    address = cluster[0].scheduler_address
    dask = api.run([EXAMPLES], db=tmp_path / "dask.db", settings=settings, scheduler=address)
    assert _outcome(dask) == _outcome(local)
    assert any(a.duplicate_of for a in dask.articles)  # the examples hold copies
    assert [s.analysis for s in dask.stories] == [s.analysis for s in local.stories]
    assert all(s.analysis is not None for s in dask.stories)


@pytest.fixture(scope="module")
def real_corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """~190 real ECB+ articles in 4 files, plus copies and near copies under new ids."""
    if not ECB.exists():
        pytest.skip("../shared datasets not available")
    rows = [json.loads(line) for line in ECB.read_text(encoding="utf-8").splitlines()[:160]]
    docs = []
    for k, row in enumerate(rows):
        published = f"2021-{1 + row['topic'] % 12:02d}-{1 + k % 5:02d}"
        docs.append({"id": row["id"], "text": row["text"], "published": published})
    for k, doc in enumerate(docs[::6]):  # republications: exact, trimmed, with clutter
        lines = doc["text"].split("\n")
        text = [doc["text"], "\n".join(lines[:-1]), doc["text"] + "\nShare this article"][k % 3]
        docs.append({"id": f"copy-{k}", "text": text, "published": "2021-12-30"})
    folder = tmp_path_factory.mktemp("real")
    paths = []
    for f in range(4):
        paths.append(folder / f"part-{f}.jsonl")
        paths[-1].write_text("".join(json.dumps(d) + "\n" for d in docs[f::4]), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def real_local(real_corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Report:
    return api.run(real_corpus, db=tmp_path_factory.mktemp("ref") / "l.db", settings=_fast())


def test_real_articles_give_the_same_stories_and_links(
    cluster: Any, real_corpus: list[Path], real_local: Report, tmp_path: Path
) -> None:
    address = cluster[0].scheduler_address
    dask = api.run(real_corpus, db=tmp_path / "d.db", settings=_fast(), scheduler=address)
    assert _outcome(dask) == _outcome(real_local)
    copies = sum(a.id.startswith("copy-") for a in dask.articles)
    assert sum(a.duplicate_of is not None for a in dask.articles) >= copies // 2 > 0
    assert sum(len(s.articles) > 1 for s in dask.stories) >= copies // 2


def test_a_second_run_adds_to_the_database_like_the_local_engine(
    cluster: Any, real_corpus: list[Path], real_local: Report, tmp_path: Path
) -> None:
    """Stored articles are fingerprinted again on the workers and linked with the new ones."""
    address = cluster[0].scheduler_address
    first, rest = real_corpus[:1], real_corpus[1:]
    once = api.run(first, db=tmp_path / "d.db", settings=_fast(), scheduler=address)
    dask = api.run(rest, db=tmp_path / "d.db", settings=_fast(), scheduler=address)
    assert dask.new_articles == len(real_local.articles) - once.new_articles > 0
    assert _outcome(dask) == _outcome(real_local)


def _kill_mid_run(client: Any, run: Callable[[], Report], prefix: str) -> Report | Exception:
    """Run in a thread; SIGKILL the worker process busy with a `prefix` task; the outcome."""
    outcome: list[Report | Exception] = []

    def target() -> None:
        try:
            outcome.append(run())
        except Exception as e:  # handed to the test
            outcome.append(e)

    thread = threading.Thread(target=target)
    thread.start()
    pids = client.run(os.getpid)
    killed = False
    while thread.is_alive() and not killed:
        for worker, keys in client.processing().items():
            if any(str(k).startswith(prefix) for k in keys):
                os.kill(pids[worker], signal.SIGKILL)
                killed = True
                break
        time.sleep(0.005)
    thread.join()
    assert killed, "the run ended before a worker could be killed"
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next test
    return outcome[0]


def test_a_killed_worker_is_retried_and_the_run_completes(
    cluster: Any, real_corpus: list[Path], real_local: Report, tmp_path: Path
) -> None:
    address = cluster[0].scheduler_address
    outcome = _kill_mid_run(
        cluster[1],
        lambda: api.run(real_corpus, db=tmp_path / "d.db", settings=_fast(), scheduler=address),
        "read_part",
    )
    assert isinstance(outcome, Report), outcome
    assert _outcome(outcome) == _outcome(real_local)


def test_a_run_that_cannot_finish_fails_clearly_and_changes_nothing(
    cluster: Any, real_corpus: list[Path], tmp_path: Path
) -> None:
    local, client = cluster
    db = tmp_path / "d.db"
    api.run(real_corpus[:1], db=db, settings=_fast())
    before = _tables(db)
    local.scheduler.allowed_failures = 0  # one lost worker is fatal: no retry
    try:
        outcome = _kill_mid_run(
            client,
            lambda: api.run(
                real_corpus, db=db, settings=_fast(), scheduler=local.scheduler_address
            ),
            "read_part",
        )
    finally:
        local.scheduler.allowed_failures = 3
    assert isinstance(outcome, NewsfuseError), outcome
    assert "failed during clean" in str(outcome) and "was not changed" in str(outcome)
    assert _tables(db) == before


def test_cli_refuses_an_unknown_engine_with_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsfuse.cli import app

    result = CliRunner().invoke(
        app, ["run", str(EXAMPLES), "--engine", "spark", "--db", str(tmp_path / "n.db")]
    )
    assert result.exit_code == 2
    assert "engine must be 'local' or 'dask'" in result.output
    assert not (tmp_path / "n.db").exists()
