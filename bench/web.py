"""Latency of the web pages under load: the real server on loopback, many concurrent readers.

    python bench/web.py --articles 10000 --clients 50 --seconds 60

Builds a database of perturbed real texts from ../shared (bench/corpus.py; invented texts when
that folder is absent), grouped into stories and written through the store API, so building
takes seconds instead of a pipeline run. Then it starts `newsfuse serve` in its own process
and lets `--clients` clients fetch story pages and stories-list pages (half each, random
story and list page) as fast as they get answers, for `--seconds`. Prints requests/s,
p50/p95/p99 latency and errors; `--json` adds one JSON object as the last line. With `--warm`
every page is visited once before the clock starts, so the run measures pages served from the
server's per-database-state memo rather than first renders.

With `--ingest N`, `newsfuse ingest` of N new articles (perturbed texts, bench/corpus.py)
runs in its own process into the same database while the load runs, as issue 6 asks:
readers must see no errors while an ingest writes. The bench reports p50/p95/p99 of the
requests sent while the ingest ran, and how many articles the ingest stored in that time;
an ingest still running when the load window closes is killed (it is crash-safe: whole
batches only), so the bench stops by itself, and it says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import SHARED, perturb, real_texts, write_corpus

from newsfuse.clean import split_sentences
from newsfuse.model import (
    Analysis,
    Article,
    Fact,
    Membership,
    ProvenanceLink,
    Span,
    Story,
    SummarySentence,
    TimelineEvent,
)
from newsfuse.store import Store

WORDS = (
    "council river bridge minister harbour storm vote strike court report police budget "
    "school hospital station market festival museum airport company union farmers"
).split()


def invented_texts(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """Stand-ins for real texts when ../shared is missing: plain sentences, several paragraphs."""
    texts = []
    for k in range(n):
        paras = []
        for _ in range(rng.randint(4, 9)):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                for _ in range(rng.randint(2, 4))
            ]
            paras.append(" ".join(sentences))
        texts.append((f"Story {k}: {paras[0][:60]}", "\n\n".join(paras)))
    return texts


def build(db: Path, articles: int, seed: int = 7) -> tuple[int, int]:
    """A database of `articles` articles in stories of 3 to 14 reports each: (articles, stories).

    Each story is one real text reported by several outlets (perturbed copies, some exact),
    with a brief of its first sentences cited to the reports that carry them, a small
    analysis and provenance for the exact copies, as the pipeline would store them.
    """
    rng = random.Random(seed)
    base = real_texts() if SHARED.exists() else invented_texts(2000, rng)
    rows: list[Article] = []
    stories: list[Story] = []
    while len(rows) < articles:
        k = len(stories)
        title, text = base[k % len(base)]
        day = 1 + k % 360
        members: list[Article] = []
        for j in range(min(rng.randint(3, 14), articles - len(rows))):
            body = text if j and rng.random() < 0.15 else perturb(text, rng)
            members.append(
                Article(
                    id=f"b{k}-{j}",
                    origin=f"bench:{k}:{j}",
                    source=f"outlet{rng.randrange(300)}.example",
                    text=body,
                    title=(title or body[:80]).strip()[:200] or f"story {k}",
                    url=f"https://outlet.example/{k}/{j}",
                    published=f"2024-{1 + (day - 1) // 30 % 12:02d}-{1 + (day - 1) % 28:02d}",
                    removed=["Share this article"] if j % 3 == 0 else [],
                    duplicate_of=f"b{k}-0" if j and body == members[0].text else None,
                    duplicate_score=1.0 if j and body == members[0].text else None,
                )
            )
        rows.extend(members)
        stories.append(_story(k, members))
    with Store(db) as store:
        store.add_articles(rows)
        store.replace_stories(stories)
    return len(rows), len(stories)


def _story(k: int, members: list[Article]) -> Story:
    lead = members[0]
    spans = split_sentences(lead.text)[:4]
    sentences = [lead.text[s:e] for s, e in spans]
    summary = [
        SummarySentence(s, [a.id for a in members if s in a.text][:3] or [lead.id])
        for s in sentences
    ]
    facts = [
        Fact(
            s,
            [a.id for a in members if s in a.text],
            len({a.source for a in members if s in a.text}),
            [Span(lead.id, start, end, s)],
            lead.id,
        )
        for s, (start, end) in zip(sentences, spans, strict=True)
    ]
    analysis = Analysis(
        facts=facts,
        timeline=[TimelineEvent(lead.published or "2024-01-01", sentences[0], [lead.id])]
        if sentences
        else [],
        provenance=[
            ProvenanceLink(a.id, a.duplicate_of, 1.0 if a.duplicate_of else 0.0, "exact copy")
            for a in members
        ],
    )
    dates = sorted(a.published for a in members if a.published)
    return Story(
        id=f"story-{k:05d}",
        title=lead.title or f"story {k}",
        articles=[a.id for a in members],
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
        sources=sorted({a.source for a in members}),
        summary=summary,
        members=[Membership(a.id, 0.9, [], 0, "same text") for a in members],
        analysis=analysis,
    )


async def warm(base: str, story_ids: list[str], clients: int = 4) -> float:
    """Visit every story page and list page once (the server keeps pages per database state),
    so the run after it measures serving, not first renders. Returns the seconds it took."""
    started = time.perf_counter()
    urls = [f"/stories/{i}" for i in story_ids]
    urls += [f"/?offset={20 * k}" for k in range(max(1, len(story_ids) // 20))]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            (await http.get(queue.get_nowait())).raise_for_status()

    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return time.perf_counter() - started


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough of the protocol for GETs.

    httpx costs the client more CPU per request than a cached page costs the server, so on a
    small machine it would measure itself; this costs next to nothing.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        """The status code; the body is read in full (a page counts when it has arrived)."""
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n"
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
        length = {k.strip().lower(): v.strip() for k, v in fields.items()}["content-length"]
        await self.reader.readexactly(int(length))
        if "close" in {k.lower(): v.lower() for k, v in fields.items()}.get("connection", ""):
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


async def load(
    port: int, story_ids: list[str], clients: int, seconds: float
) -> tuple[list[tuple[float, float]], int, dict[str, int]]:
    """Closed loop: each client sends its next request when the last one was answered.
    Returns (start time, latency) of every request, the error count and errors by kind."""
    latencies: list[tuple[float, float]] = []
    errors: dict[str, int] = {}
    pages = max(1, len(story_ids) // 20)
    stop = time.perf_counter() + seconds

    async def client(rng: random.Random) -> None:
        connection = Connection(port)
        while time.perf_counter() < stop:
            if rng.random() < 0.5:
                url = f"/stories/{rng.choice(story_ids)}"
            else:
                url = f"/?offset={20 * rng.randrange(pages)}"
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(connection.get(url), 30)
                if status != 200:  # a story merged away redirects (308): not an error
                    kind = f"redirect {status}" if 300 <= status < 400 else str(status)
                    errors[kind] = errors.get(kind, 0) + 1
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as e:
                errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
                await connection.close()
            latencies.append((started, time.perf_counter() - started))
        await connection.close()

    await asyncio.gather(*(client(random.Random(c)) for c in range(clients)))
    failed = sum(n for kind, n in errors.items() if not kind.startswith("redirect"))
    return latencies, failed, errors


def _cpu_seconds(pid: int, children: bool = True) -> float:
    """CPU time of a process and, with `children`, of its children (the server's workers)."""
    main = psutil.Process(pid)
    total = 0.0
    for process in [main, *(main.children(recursive=True) if children else [])]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def write_new_articles(folder: Path, n: int) -> list[Path]:
    """N articles for `--ingest`: perturbed real texts, or invented ones without ../shared."""
    if SHARED.exists():
        return write_corpus(folder, n)
    rng = random.Random(17)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "part-00000.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, (title, text) in enumerate(invented_texts(n, rng)):
            row = {"id": f"bench-{i}", "title": title, "text": text, "source": "new.example"}
            f.write(json.dumps(row) + "\n")
    return [path]


INGEST = [sys.executable, "-m", "newsfuse.cli", "ingest"]


class Ingest:
    """`newsfuse ingest` of new articles into the served database, in its own process."""

    def __init__(self, db: Path, tmp: Path, n: int, batch: int) -> None:
        self.db, self.n, self.batch = db, n, batch
        self.folder = tmp / "new-articles"
        write_new_articles(self.folder, n)
        self.log = tmp / "ingest.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.finished_at = 0.0

    def _watch(self) -> None:
        if self.process is not None:
            self.process.wait()
            self.finished_at = time.perf_counter()

    def start(self) -> None:
        # model2vec unless told otherwise: the bench measures the server, not the encoder.
        env = {"NEWSFUSE_ENCODER": "model2vec", **os.environ, "HF_HUB_OFFLINE": "1"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*INGEST, str(self.folder), "--db", str(self.db), "--batch", str(self.batch)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.watcher.start()

    def stop(self, before: int) -> dict[str, Any]:
        """Kill the ingest if it still runs (bounded bench); what it stored, and when."""
        if self.process is None:
            raise RuntimeError("the ingest was not started")
        killed = self.process.poll() is None
        ended = time.perf_counter()  # the load window's end, when killed
        if killed:
            self.process.send_signal(signal.SIGKILL)
        code = self.process.wait(timeout=60)
        self.watcher.join(timeout=10)
        if not killed:
            ended = self.finished_at
        with Store(self.db, readonly=True) as store:
            stored = store.count_articles() - before
        log = self.log.read_text(encoding="utf-8", errors="replace")
        if code not in (0, -signal.SIGKILL):
            print(log[-2000:], file=sys.stderr)
        if os.environ.get("BENCH_INGEST_LOG"):
            print(log[-3000:])
        return {"stored": stored, "ended": ended, "killed": killed, "exit": code}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--db", type=Path, help="reuse or keep the database here")
    parser.add_argument(
        "--warm", action="store_true", help="visit every page once before measuring"
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
    parser.add_argument(
        "--ingest",
        type=int,
        default=0,
        metavar="N",
        help="ingest N new articles in another process while the load runs",
    )
    parser.add_argument(
        "--ingest-batch", type=int, default=100, help="articles per atomic ingest batch"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newsfuse-bench-web-") as tmp:
        db = args.db or Path(tmp) / "bench.db"
        started = time.perf_counter()
        if not db.exists():
            n_articles, n_stories = build(db, args.articles)
        else:
            with Store(db, readonly=True) as store:
                n_articles, n_stories = store.count_articles(), store.count_stories()
        built = time.perf_counter() - started
        print(f"database: {n_articles} articles, {n_stories} stories ({built:.1f} s)")
        with Store(db, readonly=True) as store:
            story_ids = [s.id for s in store.stories()]

        port = free_port()
        command = [sys.executable, "-m", "newsfuse.cli", "serve", "--db", str(db)]
        server = subprocess.Popen(
            [*command, "--port", str(port), "--workers", str(args.workers)],
            env={k: v for k, v in os.environ.items() if k != "NEWSFUSE_TOKEN"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    httpx.get(base + "/api/stories?limit=1", timeout=60).raise_for_status()
                    break
                except httpx.HTTPError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        sys.exit("the server did not start")
                    time.sleep(0.2)
            warmed = asyncio.run(warm(base, story_ids)) if args.warm else 0.0
            if args.warm:
                print(f"warmed {len(story_ids)} story pages in {warmed:.1f} s")
            writer = Ingest(db, Path(tmp), args.ingest, args.ingest_batch) if args.ingest else None
            load_before = os.getloadavg()[0]
            cpu_before = _cpu_seconds(server.pid)
            own_before = _cpu_seconds(os.getpid(), children=False)
            began = time.perf_counter()
            if writer is not None:
                writer.start()
            samples, errors, kinds = asyncio.run(load(port, story_ids, args.clients, args.seconds))
            elapsed = time.perf_counter() - began
            ingested = writer.stop(n_articles) if writer is not None else None
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            client_cpu = _cpu_seconds(os.getpid(), children=False) - own_before
        finally:
            server.terminate()
            server.wait(timeout=30)

    latencies = [latency for _, latency in samples]

    result = {
        "articles": n_articles,
        "stories": n_stories,
        "clients": args.clients,
        "warm": args.warm,
        "workers": args.workers,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1),
        "errors": errors,
        # CPU time the server spent per request: what a page costs whatever else the machine
        # runs, and 1000 / it is what one fully available core would serve per second.
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(len(latencies), 1), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(len(latencies), 1), 2),
        "error_kinds": kinds,
        "cpus": os.cpu_count(),
        # Other work on the machine takes CPU from the server: the 1-minute load average
        # before and after the run says how much (above the number of CPUs: oversubscribed).
        "load_avg": [round(load_before, 1), round(os.getloadavg()[0], 1)],
    }
    print(f"{'requests/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} load")
    print(
        f"{result['requests_per_s']:>12} {result['p50_ms']:>8} {result['p95_ms']:>8} "
        f"{result['p99_ms']:>8} {errors:>7} {result['load_avg']} on {os.cpu_count()} CPUs"
    )
    print(
        f"CPU per request: server {result['server_cpu_ms_per_request']} ms, "
        f"load generator {result['client_cpu_ms_per_request']} ms"
    )
    if ingested is not None:
        during = [latency for start, latency in samples if start < ingested["ended"]]
        result["ingest"] = {
            "articles": args.ingest,
            "stored": ingested["stored"],
            "seconds": round(ingested["ended"] - began, 1),
            "batch": args.ingest_batch,
            "killed": ingested["killed"],
            "exit": ingested["exit"],
            "requests": len(during),
            "p50_ms": round(1000 * percentile(during, 50), 1),
            "p95_ms": round(1000 * percentile(during, 95), 1),
            "p99_ms": round(1000 * percentile(during, 99), 1),
        }
        i = result["ingest"]
        ending = (
            "unfinished at the end of the load window: killed"
            if i["killed"]
            else f"finished (exit {i['exit']})"
        )
        print(
            f"during the ingest ({i['requests']} requests): p50 {i['p50_ms']} ms, "
            f"p95 {i['p95_ms']} ms, p99 {i['p99_ms']} ms; the ingest stored {i['stored']} of "
            f"{args.ingest} articles in {i['seconds']} s, {ending}"
        )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
