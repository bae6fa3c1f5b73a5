"""The web UI and JSON API against a real uvicorn server over the examples/ database.

One database and one server for the module (building it loads MiniLM); browser tests drive
Debian's Chromium through Playwright and keep screenshots in out/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
import uvicorn

import newsfuse
import newsfuse.api
from newsfuse.brief.report import story_to_dict
from newsfuse.clean import split_sentences
from newsfuse.model import (
    Analysis,
    Claim,
    Conflict,
    Fact,
    ProvenanceLink,
    Quote,
    QuoteVariant,
    Span,
    Story,
    TimelineEvent,
)
from newsfuse.settings import Settings
from newsfuse.store import Store
from newsfuse.web.app import create_app
from newsfuse.web.security import Guard

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "test-token-5b1f"
MAX_BODY = 300_000
pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_LINK = '<a href="javascript:alert(1)">read more</a>'


def squash(text: str) -> str:
    return " ".join(text.split())


def _analysis(story: Story, texts: dict[str, str], copies: dict[str, str]) -> Analysis:
    """A small analysis made from the story's real sentences, so the page has every section
    to draw whether or not the pipeline stored one."""
    ids = [a for a in story.articles if a in texts]
    first = {a: split_sentences(texts[a])[0] for a in ids}
    spans = [Span(a, s, e, texts[a][s:e]) for a, (s, e) in first.items()]
    a0, a1 = ids[0], ids[1]
    return Analysis(
        facts=[Fact(spans[0].text, ids[:2], 2, spans[:2], a0)],
        conflicts=[
            Conflict(
                "count",
                "people evacuated",
                [
                    Claim("1,200", a0, spans[0].text, *first[a0], "1200"),
                    Claim("1,300", a1, spans[1].text, *first[a1], "1300"),
                ],
            )
        ],
        quotes=[
            Quote("A spokesperson", spans[0].text, [QuoteVariant(spans[0].text, a0, *first[a0])])
        ],
        timeline=[TimelineEvent(story.first_seen or "2025-01-01", spans[0].text, [a0])],
        provenance=[
            ProvenanceLink(a, copies.get(a), 0.9 if a in copies else 0.0, "shares passages")
            for a in ids
        ],
    )


# Analysis is off for speed (spaCy over every article, again at every ingest); the fixture
# stores an analysis built from real sentences instead, and it survives ingests of unrelated
# articles because the store keeps an analysis while its story keeps the same articles.
SETTINGS = Settings.from_env(analysis=False, token_failures=1000)  # many tests send bad ones


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "web.db"
    report = newsfuse.run([EXAMPLES], db=path, settings=SETTINGS)
    assert report.problems == []
    with Store(path) as store:
        texts = {a.id: a.text for a in report.articles}
        copies = {a.id: a.duplicate_of for a in report.articles if a.duplicate_of}
        story = max(report.stories, key=lambda s: (len(s.articles), s.id))
        store.set_analysis(story.id, asdict(_analysis(story, texts, copies)))
    return path


@contextmanager
def running(app: Any) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread of this process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base(db: Path) -> Iterator[str]:
    with running(create_app(db, token=TOKEN, max_body=MAX_BODY, settings=SETTINGS)) as url:
        yield url


@pytest.fixture(scope="module")
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as client:
        yield client


def get(http: httpx.Client, url: str, status: int = 200, **params: Any) -> Any:
    r = http.get(url, params=params)
    assert r.status_code == status, (url, r.status_code, r.text[:300])
    assert "traceback" not in r.text.lower()
    return r.json()


def error_of(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body = r.json()
    assert body["ok"] is False and body["status"] == status and body["error"]
    assert "Traceback" not in r.text and 'File "' not in r.text
    return str(body["error"])


# -- JSON API ----------------------------------------------------------------------------------


def test_stories_are_paged_and_filtered(http: httpx.Client) -> None:
    everything = get(http, "/api/stories", limit=100)
    stories = everything["stories"]
    assert everything["total"] == len(stories) >= 2
    pages = [
        get(http, "/api/stories", limit=2, offset=k)["stories"] for k in range(0, len(stories), 2)
    ]
    assert [s["id"] for p in pages for s in p] == [s["id"] for s in stories]
    assert get(http, "/api/stories", limit=2, offset=len(stories))["stories"] == []
    last = [s["last_seen"] or "" for s in stories]
    assert last == sorted(last, reverse=True)  # most recent first
    for s in stories:
        assert s["independent_sources"] <= len(s["sources"]) and s["articles"] >= 1
        assert sum(c["articles"] for c in s["coverage"]) <= s["articles"]

    def day(s: dict[str, Any], key: str) -> str:
        return (s[key] or s["first_seen"] or s["last_seen"] or "")[:10]

    latest = max(day(s, "first_seen") for s in stories)
    since = get(http, "/api/stories", since=latest, limit=100)["stories"]
    assert {s["id"] for s in since} == {s["id"] for s in stories if day(s, "last_seen") >= latest}
    earliest = min(day(s, "last_seen") for s in stories)
    until = get(http, "/api/stories", until=earliest, limit=100)["stories"]
    assert {s["id"] for s in until} == {
        s["id"] for s in stories if day(s, "first_seen") <= earliest
    }
    assert since and until and len(until) < len(stories)

    source = stories[0]["sources"][-1]
    by_source = get(http, "/api/stories", source=source.upper(), limit=100)["stories"]
    assert stories[0]["id"] in [s["id"] for s in by_source]
    assert all(source in s["sources"] for s in by_source)
    biggest = get(http, "/api/stories", sort="articles", limit=1)["stories"][0]
    assert biggest["articles"] == max(s["articles"] for s in stories)

    for bad in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"since": "March"}, {"sort": "x"}):
        error_of(http.get("/api/stories", params=bad), 422)


def test_the_python_api_answers_as_the_json_api_does(db: Path, http: httpx.Client) -> None:
    page = newsfuse.api.find_stories(db, sort="articles", limit=3)
    served = get(http, "/api/stories", sort="articles", limit=3)
    assert page.total == served["total"]
    assert [c.id for c in page.stories] == [s["id"] for s in served["stories"]]
    word = max(re.findall(r"[A-Za-z]{5,}", page.stories[0].title), key=len)
    found = newsfuse.api.search(db, word, limit=5)
    assert [a.id for a in found.articles] == [
        a["id"] for a in get(http, "/api/search", q=word, limit=5)["articles"]
    ]
    assert page.stories[0].id in [c.id for c in found.stories]


def test_full_text_query_finds_stories_by_their_articles(http: httpx.Client) -> None:
    story = get(http, "/api/stories", sort="articles", limit=1)["stories"][0]
    detail = get(http, f"/api/stories/{story['id']}", texts="true")
    # A word that occurs in an article of this story but not in its title.
    words = {w for t in detail["texts"] for w in re.findall(r"[A-Za-z]{7,}", t["text"])}
    word = sorted(w for w in words if w.lower() not in story["title"].lower())[0]
    found = get(http, "/api/stories", q=word)["stories"]
    assert story["id"] in [s["id"] for s in found]
    for s in found:
        texts = get(http, f"/api/stories/{s['id']}", texts="true")["texts"]
        assert (
            any(word.lower() in t["text"].lower() for t in texts)
            or word.lower() in s["title"].lower()
        )
    assert get(http, "/api/stories", q="zzxqvnonexistentword")["total"] == 0


def test_story_has_report_shape_and_located_citations(http: httpx.Client) -> None:
    for card in get(http, "/api/stories", limit=100)["stories"]:
        story = get(http, f"/api/stories/{card['id']}")
        shape = story_to_dict(Story(id="x", title="x", articles=[]), {})
        assert set(shape) <= set(story)
        assert story["articles"] and len(story["entries"]) == len(story["articles"])
        for sentence in story["summary"]:
            assert sentence["evidence"], sentence
            assert {e["article"] for e in sentence["evidence"]} <= set(sentence["citations"])
            for ev in sentence["evidence"]:
                text = get(http, f"/api/articles/{ev['article']}")["text"]
                cited = squash(text[ev["start"] : ev["end"]])
                if ev["score"] == 100:
                    assert squash(sentence["text"]) in cited


def test_article_shows_text_clutter_and_copies(http: httpx.Client) -> None:
    stories = get(http, "/api/stories", limit=100)["stories"]
    seen_copy = False
    for card in stories:
        for aid in get(http, f"/api/stories/{card['id']}")["articles"]:
            a = get(http, f"/api/articles/{aid}")
            assert a["story"] == card["id"] and a["text"]
            assert str(ROOT) not in json.dumps(a) and "/" not in a["origin"]  # no server paths
            members = get(http, f"/api/stories/{card['id']}")["articles"]
            assert sorted(s["id"] for s in a["siblings"]) == sorted(set(members) - {aid})
            assert all(0 <= s < e <= len(a["text"]) for s, e in a["sentences"])
            if a["duplicate_of"]:
                seen_copy = True
                assert a["original"]["id"] == a["duplicate_of"]
                original = get(http, f"/api/articles/{a['duplicate_of']}")
                assert aid in [c["id"] for c in original["copies"]]
    assert seen_copy  # examples/ holds copies
    removed = [
        get(http, f"/api/articles/{aid}")["removed"]
        for aid in get(http, f"/api/stories/{stories[0]['id']}")["articles"]
    ]
    assert any(removed)


def test_search_returns_highlighted_snippets(http: httpx.Client) -> None:
    story = get(http, "/api/stories", limit=1)["stories"][0]
    word = max(re.findall(r"[A-Za-z]{5,}", story["title"]), key=len)
    found = get(http, "/api/search", q=word)
    assert story["id"] in [s["id"] for s in found["stories"]]
    assert found["articles"]
    for a in found["articles"]:
        hits = [text for text, hit in a["snippet"] + a["title_marked"] if hit]
        assert hits and all(h.lower().startswith(word.lower()[: len(h)]) for h in hits)
    error_of(http.get("/api/search"), 422)
    assert get(http, "/api/search", q="!!!") == {"query": "!!!", "stories": [], "articles": []}


def test_compare_aligns_a_copy_with_its_original(http: httpx.Client) -> None:
    copy = original = None
    for card in get(http, "/api/stories", limit=100)["stories"]:
        for aid in get(http, f"/api/stories/{card['id']}")["articles"]:
            a = get(http, f"/api/articles/{aid}")
            if a["duplicate_of"]:
                copy, original = a, get(http, f"/api/articles/{a['duplicate_of']}")
    assert copy and original
    data = get(http, "/api/compare", a=original["id"], b=copy["id"])
    assert data["same_story"] is True
    assert data["shared"] >= 0.8 * min(len(original["sentences"]), len(copy["sentences"]))
    for p in data["pairs"]:
        left, right = data["left"]["sentences"][p["left"]], data["right"]["sentences"][p["right"]]
        assert left["pair"] == right["pair"] == p["pair"]
    assert data["right"]["removed"] == copy["removed"]
    error_of(http.get("/api/compare", params={"a": copy["id"], "b": copy["id"]}), 400)
    error_of(http.get("/api/compare", params={"a": copy["id"], "b": "missing"}), 404)


def test_bad_ids_and_unknown_routes_get_clean_errors(http: httpx.Client) -> None:
    assert "no story 'missing'" in error_of(http.get("/api/stories/missing"), 404)
    error_of(http.get("/api/articles/missing"), 404)
    error_of(http.get("/api/articles/a%01b"), 422)
    error_of(http.get("/api/stories/" + "x" * 300), 422)
    error_of(http.get("/api/nothing-here"), 404)
    error_of(http.delete("/api/stories"), 405)
    error_of(http.get("/static/../../etc/passwd"), 404)
    error_of(http.get("/static/%2e%2e/app.py"), 404)
    page = http.get("/stories/missing", headers={"accept": "text/html"})
    assert page.status_code == 404 and "no story" in page.text and "Traceback" not in page.text


def has_security_headers(r: httpx.Response) -> None:
    csp = r.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, (r.url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers.get("x-content-type-options") == "nosniff", r.url


def test_security_headers_everywhere(http: httpx.Client) -> None:
    responses = [
        http.get(url)
        for url in (
            "/",
            "/api/stories",
            "/api/openapi.json",
            "/static/app.css",
            "/static/vendor/swagger-ui/swagger-ui-bundle.js",
            "/static/missing.js",
            "/docs",
            "/api/stories/missing",
            "/stories/missing",
            "/api/stories?limit=0",
            "/nowhere",
        )
    ]
    responses.append(http.delete("/api/stories"))
    responses.append(http.post("/api/articles", json={"text": "x"}))
    auth = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    responses.append(http.post("/api/articles", content=b"x" * (MAX_BODY + 1), headers=auth))
    assert {r.status_code for r in responses} >= {200, 403, 404, 405, 413, 422}
    for r in responses:
        has_security_headers(r)


def test_a_crash_is_a_plain_500_with_the_headers() -> None:
    async def crashing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("secret detail /etc/newsfuse")

    with running(Guard(crashing, max_body=MAX_BODY)) as url:
        for path, accept, kind in (
            ("/api/stories", "application/json", "application/json"),
            ("/stories/x", "text/html", "text/html"),
        ):
            r = httpx.get(url + path, headers={"accept": accept})
            assert r.status_code == 500 and r.headers["content-type"].startswith(kind)
            assert "secret" not in r.text and "Traceback" not in r.text
            has_security_headers(r)
        assert error_of(httpx.get(url + "/api/x"), 500).startswith("internal error")


def test_blank_form_fields_mean_no_filter(http: httpx.Client) -> None:
    plain = get(http, "/api/stories", limit=100)
    blank = get(http, "/api/stories", limit=100, q="", since="", until="", source="", sort="")
    assert [s["id"] for s in blank["stories"]] == [s["id"] for s in plain["stories"]]
    assert "day" in error_of(http.get("/api/stories", params={"since": "2025-02-30"}), 422)
    page = http.get("/", params={"q": "", "since": "", "until": "", "sort": ""})
    assert page.status_code == 200 and page.text.count('class="story-card"') == min(
        20, plain["total"]
    )


def test_writes_need_the_token_and_bodies_are_bounded(http: httpx.Client) -> None:
    one = {"text": "Short note.", "source": "t.example"}
    assert "Bearer" in error_of(http.post("/api/articles", json=one), 403)
    error_of(http.post("/api/articles", json=one, headers={"authorization": "Bearer wrong"}), 403)
    error_of(http.post("/api/articles", json=one, headers={"authorization": TOKEN}), 403)
    auth = {"authorization": f"Bearer {TOKEN}"}
    big = {"text": "word " * MAX_BODY, "source": "t.example"}
    assert str(MAX_BODY) in error_of(http.post("/api/articles", json=big, headers=auth), 413)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit must hold while streaming
        yield b'{"text": "'
        for _ in range(MAX_BODY // 1000 + 2):
            yield b"x" * 1000
        yield b'"}'

    streamed = http.post(
        "/api/articles", content=chunks(), headers={**auth, "content-type": "application/json"}
    )
    error_of(streamed, 413)
    bad = {**auth, "content-type": "application/json"}
    error_of(http.post("/api/articles", content=b"{not json", headers=bad), 400)
    error_of(http.post("/api/articles", json={"title": "no body"}, headers=auth), 422)
    error_of(http.post("/api/articles", json=[], headers=auth), 422)
    error_of(
        http.post("/api/articles", content=b"x", headers={**auth, "content-type": "text/plain"}),
        415,
    )


def test_every_write_endpoint_needs_the_token(http: httpx.Client) -> None:
    writes = [
        (path, method)
        for path, ops in get(http, "/api/openapi.json")["paths"].items()
        for method in ops
        if method in ("post", "put", "patch", "delete")
    ]
    assert writes
    for path, method in writes:
        for headers in ({}, {"authorization": "Bearer nope"}, {"authorization": TOKEN}):
            r = http.request(method, path, json={"text": "Some words."}, headers=headers)
            assert "Bearer" in error_of(r, 403)
        files = {"files": ("a.txt", b"Some words.", "text/plain")}
        error_of(http.request(method, path, files=files), 403)


def test_wrong_tokens_from_one_address_are_slowed_down(db: Path) -> None:
    settings = Settings.from_env(analysis=False, token_failures=3)
    with (
        running(create_app(db, token=TOKEN, settings=settings)) as url,
        httpx.Client(base_url=url) as client,
    ):
        record = {"text": "Some words.", "source": "t.example"}
        for _ in range(3):
            r = client.post("/api/articles", json=record, headers={"authorization": "Bearer x"})
            error_of(r, 403)
        auth = {"authorization": f"Bearer {TOKEN}"}
        for headers in ({"authorization": "Bearer x"}, auth):  # the right token waits too
            r = client.post("/api/articles", json=record, headers=headers)
            assert "try again" in error_of(r, 429)
            assert 0 < int(r.headers["retry-after"]) <= 60
            has_security_headers(r)
        assert client.get("/api/stories").status_code == 200  # reads are not limited


def test_json_records_are_read_like_jsonl_lines(http: httpx.Client) -> None:
    lines = (EXAMPLES / "jsonl" / "continental-newswire.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines[:2]]
    auth = {"authorization": f"Bearer {TOKEN}"}
    for body in (records[0], records, {"articles": records}):
        r = http.post("/api/articles", json=body, headers=auth)
        assert r.status_code == 200, r.text  # stored already: nothing new, nothing re-run
        data = r.json()
        assert data["new_articles"] == 0 and data["problems"] == []
        assert data["articles"] == [rec["id"] for rec in records][: len(data["articles"])]
        assert data["stories"] and all(get(http, f"/api/stories/{s}") for s in data["stories"])
    r = http.post("/api/articles", json=[records[0], {"title": "no text"}], headers=auth)
    assert "articles.1" in error_of(r, 422)


def test_serve_command_starts_the_server_with_the_token_from_the_environment(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NEWSFUSE_TOKEN": TOKEN}
    command = [sys.executable, "-m", "newsfuse.cli", "serve", "--db", str(tmp_path / "new.db")]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],  # the token must reach both
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                stories = httpx.get(url + "/api/stories", timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"serve did not start: {server.stderr.read() if server.stderr else ''}"
                    )
                time.sleep(0.2)
        assert stories.json()["total"] == 0  # a new, empty database
        record = {"text": "Some words.", "source": "t.example"}
        bad = {"authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
        for _ in range(4):  # new connections: whichever worker answers
            with httpx.Client(base_url=url) as client:
                error_of(client.post("/api/articles", json=record), 403)
                error_of(client.post("/api/articles", content=b"{", headers=bad), 400)
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stderr:
            server.stderr.close()


STRIKE = (
    "The lighthouse keepers of Ombrey Point voted on Friday to accept a new contract, "
    "ending a strike that had left the northern coast without a staffed light for nine "
    "days.\n\n"
    "The union said the deal raised night-shift pay by twelve per cent and added a second "
    "keeper on every island station. The coastal authority confirmed the agreement."
)
HOSTILE_RECORD = {
    "title": f"Quarry flood {HOSTILE} {HOSTILE_IMG} in Marrowdene",
    "text": (
        f"Flood water filled the old Marrowdene quarry on Tuesday night, {HOSTILE} the county "
        f"council said, and forty homes nearby were evacuated as a precaution. {HOSTILE_IMG}\n\n"
        f"Engineers said the quarry wall was stable {HOSTILE_LINK} and residents could return "
        "on Thursday, once pumps had lowered the water by two metres."
    ),
    "source": "<b>evil.example</b>",
    "url": "javascript:alert(1)",
}
UPLOADS = [
    ("files", ("../../ombrey/strike.txt", STRIKE.encode(), "text/plain")),
    ("files", ("hostile.jsonl", json.dumps(HOSTILE_RECORD).encode() + b"\n", "text/plain")),
    ("files", ("notes.pdf", b"%PDF-1.4", "application/pdf")),
]


@pytest.fixture(scope="module")
def posted(http: httpx.Client) -> dict[str, Any]:
    """One upload of new articles (each ingest re-runs the pipeline, so the tests share it)."""
    r = http.post("/api/articles", files=UPLOADS, headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_uploaded_files_are_ingested_like_the_cli_reads_them(
    http: httpx.Client, posted: dict[str, Any]
) -> None:
    assert posted["new_articles"] == 2 and len(posted["articles"]) == 2 and posted["stories"]
    # incremental: the new articles' stories are the changed ones, and not every story is
    assert set(posted["stories"]) <= set(posted["stories_changed"])
    assert len(posted["stories_changed"]) < get(http, "/api/stories")["total"]
    assert [p["where"] for p in posted["problems"]] == ["upload:notes.pdf"]
    assert "strike.txt" in get(http, "/api/sources")["sources"]
    assert "unknown format" in posted["problems"][0]["message"]
    for aid in posted["articles"]:
        article = get(http, f"/api/articles/{aid}")
        assert re.fullmatch(r"upload:\d{4}/(strike\.txt|hostile\.jsonl:1)", article["origin"])
        assert article["story"] in posted["stories"]
    assert "tmp" not in json.dumps(posted) and "newsfuse-upload" not in json.dumps(posted)
    strike = get(http, "/api/search", q="lighthouse keepers Ombrey")["articles"]
    assert len(strike) == 1 and strike[0]["id"] in posted["articles"]
    again = http.post(
        "/api/articles", files=UPLOADS[:1], headers={"authorization": f"Bearer {TOKEN}"}
    )
    assert again.status_code == 200 and again.json()["new_articles"] == 0
    assert again.json()["articles"] == [strike[0]["id"]]


def test_openapi_documents_every_endpoint(http: httpx.Client) -> None:
    schema = get(http, "/api/openapi.json")
    paths = schema["paths"]
    for path in (
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/search",
        "/api/compare",
    ):
        assert "get" in paths[path]
    assert "post" in paths["/api/articles"]
    assert "ArticleIn" in schema["components"]["schemas"]
    docs = http.get("/docs").text
    assert "http://" not in docs and "https://" not in docs and "cdn" not in docs.lower()


def test_generated_requests_never_crash_the_server(db: Path) -> None:
    """Requests generated from the OpenAPI schema (schemathesis), valid and not, against a
    read-only server: never a 5xx, always the error envelope and the security headers."""
    seen: dict[int, int] = {}
    with running(create_app(db, settings=SETTINGS, max_body=MAX_BODY)) as url:
        schema = schemathesis.openapi.from_url(url + "/api/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 7

        for operation in operations:

            @hypothesis.given(case=operation.as_strategy())
            @hypothesis.settings(
                max_examples=8,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            def check(case: Any) -> None:
                r = case.call(base_url=url, timeout=30)
                seen[r.status_code] = seen.get(r.status_code, 0) + 1
                assert r.status_code < 500, (case.method, case.formatted_path, r.text[:300])
                headers = {k.lower(): v for k, v in r.headers.items()}
                assert "frame-ancestors 'none'" in str(headers.get("content-security-policy"))
                if r.status_code >= 400:
                    body = r.json()
                    assert body["ok"] is False and body["status"] == r.status_code

            check()
    assert 200 in seen and any(code >= 400 for code in seen)


# -- browser -------------------------------------------------------------------------------------

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield b
        b.close()


class Watch:
    """Everything a page does that a test must see: dialogs, console errors, outside requests."""

    def __init__(self, page: Any, base: str) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: None if r.url.startswith(base) else self.outside.append(r.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside


@pytest.fixture()
def page(browser: Any, base: str) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    pg = context.new_page()
    pg.watch = Watch(pg, base)
    yield pg
    context.close()


def shoot(browser: Any, url: str, name: str, whole: bool = True) -> None:
    """Screenshots of `url` at both viewports, kept under out/screenshots/: the whole page on
    the laptop (from the top) unless `whole` is False, the first screen on the phone; a URL
    with a #target shows the screen the browser scrolled to."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for kind, size in VIEWPORTS.items():
        context = browser.new_context(viewport=size, is_mobile=kind == "phone")
        pg = context.new_page()
        pg.goto(url)
        pg.wait_for_load_state("networkidle")
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"] + 1, f"{name} scrolls sideways on {kind}: {width}px"
        full = whole and kind == "desktop"
        if full:
            pg.evaluate("window.scrollTo(0, 0)")
        else:
            pg.wait_for_timeout(400)  # the smooth scroll to a #target
        pg.screenshot(path=str(SHOTS / f"{name}-{kind}.png"), full_page=full)
        context.close()


@pytest.mark.browser
def test_search_open_story_and_follow_a_citation(
    page: Any, base: str, http: httpx.Client, browser: Any
) -> None:
    page.goto(base + "/")
    cards = page.locator(".story-card")
    assert cards.count() == min(20, get(http, "/api/stories")["total"])
    story = get(http, "/api/stories", sort="articles", limit=1)["stories"][0]
    word = max(re.findall(r"[A-Za-z]{5,}", story["title"]), key=len)
    page.fill("#q", word)
    with page.expect_navigation() as went:
        page.press("#q", "Enter")  # the form also sends its empty date and sort fields
    assert went.value.status == 200 and re.search(r"[?&]q=", page.url)
    assert page.locator(".story-card").count() >= 1
    assert page.locator(".snippet mark").count() >= 1
    shoot(browser, page.url, "search")
    page.click(f"a.story-title[href='/stories/{story['id']}']")
    page.wait_for_url(re.compile("/stories/"))
    data = get(http, f"/api/stories/{story['id']}")
    assert page.locator(".summary-sentence").count() == len(data["summary"])

    sentence = data["summary"][-1]
    evidence = sentence["evidence"][-1]
    n = len(data["summary"])
    cite = page.locator(f"#summary-{n} a.cite[data-article='{evidence['article']}']")
    cite.click()
    marked = page.locator(".sentence.hl")
    assert marked.count() == 1 and marked.is_visible()
    holder = marked.locator("xpath=ancestor::li[contains(@class,'source')]")
    assert holder.get_attribute("data-article") == evidence["article"]
    article = get(http, f"/api/articles/{evidence['article']}")
    expected = squash(article["text"][evidence["start"] : evidence["end"]])
    assert squash(marked.inner_text()) == expected
    if evidence["score"] == 100:
        assert squash(sentence["text"]) in expected
    page.watch.clean()
    shoot(browser, page.url.split("#")[0], "story")
    shoot(browser, page.url, "story-citation", whole=False)


@pytest.mark.browser
def test_story_page_shows_the_analysis_with_working_chips(
    page: Any, base: str, http: httpx.Client
) -> None:
    for card in get(http, "/api/stories", limit=100)["stories"]:
        data = get(http, f"/api/stories/{card['id']}")
        if data.get("facts"):
            break
    else:
        pytest.fail("no analysed story")
    page.goto(f"{base}/stories/{card['id']}")
    for section, key in (
        ("facts", "facts"),
        ("disputes", "conflicts"),
        ("quotes", "quotes"),
        ("timeline", "timeline"),
    ):
        if data.get(key):
            assert page.locator(f"section.{section}").is_visible(), section
    fact = data["facts"][0]
    assert page.locator(".fact .support").first.inner_text() == str(
        max(f["independent_sources"] for f in data["facts"])
    )
    chip = page.locator("section.facts .chip").first
    target = chip.get_attribute("data-cite")
    chip.click()
    marked = page.locator(f"#{target}")
    assert "hl" in (marked.get_attribute("class") or "") and marked.is_visible()
    assert (
        squash(marked.inner_text())
        in {squash(s["text"]) for f in data["facts"] for s in f["spans"]}
        or fact
    )
    if any(p.get("derived_from") for p in data.get("provenance", [])):
        assert page.locator("svg.graph .edge").count() >= 1
    page.watch.clean()


@pytest.mark.browser
def test_compare_view_marks_shared_and_own_sentences(
    page: Any, base: str, http: httpx.Client, browser: Any
) -> None:
    story = get(http, "/api/stories", sort="articles", limit=1)["stories"][0]
    page.goto(f"{base}/stories/{story['id']}")
    articles = get(http, f"/api/stories/{story['id']}")["articles"]
    # The two reports that share the most sentences while each still has some of its own.
    ids, data = max(
        (
            ((a, b), get(http, "/api/compare", a=a, b=b))
            for k, a in enumerate(articles)
            for b in articles[k + 1 :]
        ),
        key=lambda p: (bool(p[1]["only_left"] and p[1]["only_right"]), p[1]["shared"]),
    )
    assert data["shared"] >= 1 and data["only_left"] + data["only_right"] >= 1
    page.select_option("#cmp-a", ids[0])
    page.select_option("#cmp-b", ids[1])
    page.click(".compare-form button")
    page.wait_for_url(re.compile("/compare"))
    left, right = page.locator(".side-left"), page.locator(".side-right")
    assert left.locator(".sentence.aligned").count() == data["shared"]
    assert right.locator(".sentence.aligned").count() == data["shared"]
    assert left.locator(".sentence.only").count() == data["only_left"]
    assert right.locator(".sentence.only").count() == data["only_right"]
    assert left.locator("del").count() == len(data["left"]["removed"])
    if data["pairs"]:
        pair = data["pairs"][0]
        left.locator(f".sentence[data-pair='{pair['pair']}']").click()
        partner = right.locator(f".sentence[data-pair='{pair['pair']}']")
        assert "hl" in (partner.get_attribute("class") or "")
        assert squash(partner.inner_text()).endswith(
            squash(data["right"]["sentences"][pair["right"]]["text"])
        )
    page.watch.clean()
    shoot(browser, page.url, "compare")


@pytest.mark.browser
def test_hostile_article_renders_as_text(
    page: Any, base: str, http: httpx.Client, browser: Any, posted: dict[str, Any]
) -> None:
    aid = next(
        a for a in posted["articles"] if "Marrowdene" in get(http, f"/api/articles/{a}")["text"]
    )
    sid = get(http, f"/api/articles/{aid}")["story"]
    biggest = get(http, "/api/stories", sort="articles", limit=1)["stories"][0]["id"]
    other = get(http, f"/api/stories/{biggest}")["articles"][0]
    urls = [
        f"/articles/{aid}",
        f"/stories/{sid}",
        "/?q=Marrowdene",
        f"/compare?a={aid}&b={other}",
    ]
    for url in urls:
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        scripts = page.locator("script")
        assert all(
            (scripts.nth(k).get_attribute("src") or "").startswith("/static/")
            for k in range(scripts.count())
        )
        assert page.locator("img").count() == 0
        assert page.locator("a[href^='javascript'], [onerror]").count() == 0
        assert page.locator("b", has_text="evil.example").count() == 0
        assert HOSTILE in page.locator("body").inner_text()
    page.goto(f"{base}/articles/{aid}")
    assert HOSTILE in page.locator("h1").inner_text()
    assert "javascript:alert(1)" in page.locator(".meta").inner_text()  # shown, not linked
    page.watch.clean()
    shoot(browser, page.url, "article-hostile")
    copy = next(
        a
        for aid in get(http, f"/api/stories/{biggest}")["articles"]
        if (a := get(http, f"/api/articles/{aid}"))["duplicate_of"] or a["removed"]
    )
    page.goto(f"{base}/articles/{copy['id']}")
    removed = page.locator(".removed del")
    assert removed.count() == len(copy["removed"])
    assert [squash(removed.nth(k).inner_text()) for k in range(removed.count())] == [
        squash(line) for line in copy["removed"]
    ]
    assert page.locator(".text .sentence").count() == len(copy["sentences"])
    page.watch.clean()
    shoot(browser, f"{base}/articles/{copy['id']}", "article")


@pytest.mark.browser
def test_pages_fit_both_screens_and_docs_work_offline(
    page: Any, base: str, http: httpx.Client, browser: Any
) -> None:
    shoot(browser, base + "/", "stories")
    page.goto(base + "/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    assert page.locator(".opblock").count() >= 6
    page.watch.clean()
    shoot(browser, base + "/docs", "docs", whole=False)
    page.goto(base + "/stories/nothing-here")
    assert "no story" in page.locator("main").inner_text()


def test_an_updated_article_shows_what_changed_on_its_story_page(http: httpx.Client) -> None:
    """Runs last: it changes an article of the shared database (a new version of it)."""
    line = next(
        json.loads(raw)
        for raw in (EXAMPLES / "jsonl" / "continental-newswire.jsonl").read_text().splitlines()
        if json.loads(raw)["id"] == "nw-0333"
    )
    first = re.search(r"\b\d+\b", line["text"])
    assert first, "the example needs a figure to change"
    bumped = str(int(first.group()) + 7)
    hostile = "An inquiry <script>alert(1)</script> opens on Friday."
    text = f"{line['text'][: first.start()]}{bumped}{line['text'][first.end() :]}"
    newer = {
        **line,
        "text": f"{text}\n\n{hostile}",
        "published": "2025-04-11T09:00:00Z",
    }
    auth = {"authorization": f"Bearer {TOKEN}"}
    r = http.post("/api/articles", json=newer, headers=auth)
    assert r.status_code == 201 and r.json()["updated_articles"] == 1, r.text
    sid = get(http, "/api/articles/nw-0333")["story"]
    [update] = [u for u in get(http, f"/api/stories/{sid}")["updates"] if u["article"] == "nw-0333"]
    assert update["version"] == 2 and any(bumped in n for n in update["numbers"])
    page = http.get(f"/stories/{sid}")
    assert page.status_code == 200
    section = page.text.split('id="updates-h"', 1)[1].split("</section>", 1)[0]
    assert "version 2" in section and f"→ {bumped}" in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<script>alert" not in page.text
