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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import SHARED, perturb, real_texts

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


async def load(
    base: str, story_ids: list[str], clients: int, seconds: float
) -> tuple[list[float], int, dict[str, int]]:
    """Closed loop: each client sends its next request when the last one was answered."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    pages = max(1, len(story_ids) // 20)
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(rng: random.Random, http: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop:
            if rng.random() < 0.5:
                url = f"/stories/{rng.choice(story_ids)}"
            else:
                url = f"/?offset={20 * rng.randrange(pages)}"
            started = time.perf_counter()
            try:
                r = await http.get(url)
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as e:
                errors[type(e).__name__] = errors.get(type(e).__name__, 0) + 1
            latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(random.Random(c), http) for c in range(clients)))
    return latencies, sum(errors.values()), errors


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
    parser.add_argument("--json", action="store_true", help="one JSON object as the last line")
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
            [*command, "--port", str(port)],
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
            began = time.perf_counter()
            latencies, errors, kinds = asyncio.run(
                load(base, story_ids, args.clients, args.seconds)
            )
            elapsed = time.perf_counter() - began
        finally:
            server.terminate()
            server.wait(timeout=30)

    result = {
        "articles": n_articles,
        "stories": n_stories,
        "clients": args.clients,
        "warm": args.warm,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * percentile(latencies, 50), 1),
        "p95_ms": round(1000 * percentile(latencies, 95), 1),
        "p99_ms": round(1000 * percentile(latencies, 99), 1),
        "errors": errors,
        "error_kinds": kinds,
        "cpus": os.cpu_count(),
    }
    print(f"{'requests/s':>12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(
        f"{result['requests_per_s']:>12} {result['p50_ms']:>8} {result['p95_ms']:>8} "
        f"{result['p99_ms']:>8} {errors:>7}"
    )
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
