"""Readers for crawls, feeds and tables (WARC, ARC, RSS/Atom, CSV/TSV, Parquet), compressed or
not, and their bad inputs: one clear line each, the rest of the batch read."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import logging
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsfuse.errors import SettingsError
from newsfuse.ingest import read_paths
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

BODIES = [
    "The river ferry at Norrvik resumed service on Friday after a week of repairs.",
    "Farmers near Castelbrando reported the earliest grape harvest in forty years.",
    "The city council of Ostmarsh voted to light the old harbour bridge at night.",
]


def read(paths: list[Path | str], **settings: object) -> tuple[list[RawDoc], list[Problem]]:
    problems: list[Problem] = []
    docs = list(read_paths(paths, Settings(**settings), problems))  # type: ignore[arg-type]
    return docs, problems


def one_line(problem: Problem) -> None:
    assert problem.message[:1].islower(), problem.message
    assert "\n" not in problem.message and "unexpected error" not in problem.message


def page(i: int, dated: bool = False) -> bytes:
    meta = '<meta property="article:published_time" content="2023-09-14">' if dated else ""
    para = f"<p>{BODIES[i]} Paragraph %d adds detail to the report.</p>"
    paras = "".join(para % k for k in range(4))
    return (
        f"<html><head><title>Story {i}</title>{meta}</head><body><nav>Home | News</nav>"
        f"<article><h1>Story {i}</h1>{paras}</article></body></html>"
    ).encode()


def warc_record(
    writer: WARCWriter, url: str, body: bytes, ctype: str = "text/html", status: str = "200 OK"
) -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url, "response", payload=io.BytesIO(body), http_headers=http,
        warc_headers_dict={"WARC-Date": "2024-02-03T04:05:06Z"},
    )  # fmt: skip
    writer.write_record(record)


def make_warc(gz: bool = False) -> bytes:
    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    warc_record(w, "https://www.norrvik-news.example/ferry", page(0))
    warc_record(w, "https://norrvik-news.example/logo.png", b"\x89PNG....", ctype="image/png")
    warc_record(w, "https://norrvik-news.example/gone", page(1), status="404 Not Found")
    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x.example")], is_http_request=True)
    w.write_record(
        w.create_warc_record(
            "https://x.example/", "request", payload=io.BytesIO(b""), http_headers=request
        )
    )
    warc_record(w, "https://castel.example/harvest", page(1, dated=True))
    return out.getvalue()


def test_warc_html_responses_become_docs_with_url_and_fallback_date(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(make_warc())
    with caplog.at_level(logging.INFO, logger="newsfuse.ingest.warc"):
        docs, problems = read([path])
    assert problems == []
    assert [d.url for d in docs] == [
        "https://www.norrvik-news.example/ferry",
        "https://castel.example/harvest",
    ]
    assert docs[0].source == "norrvik-news.example"
    assert docs[0].html is not None and BODIES[0] in docs[0].html
    assert docs[0].published is None  # the fetch date is only a fallback
    assert docs[0].meta["published_fallback"] == "2024-02-03T04:05:06Z"
    assert "1 not HTML" in caplog.text and "status 404" in caplog.text


@pytest.mark.slow
def test_warc_pages_are_cleaned_by_trafilatura_with_the_fetch_date_as_fallback(
    tmp_path: Path,
) -> None:
    from newsfuse.clean import clean

    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(make_warc(gz=True))
    docs, problems = read([path])
    assert problems == [] and len(docs) == 2
    undated, dated = (clean(d) for d in docs)
    assert BODIES[0] in undated.text and "Home | News" not in undated.text
    assert undated.published == "2024-02-03"  # no date on the page: when it was fetched
    assert dated.published == "2023-09-14"  # the page's own date wins


def test_corrupt_warc_records_cost_one_line_each_and_the_file_goes_on(tmp_path: Path) -> None:
    good = make_warc()
    records = good.split(b"WARC/1.")[1:]
    first, rest = b"WARC/1." + records[0], b"WARC/1." + b"WARC/1.".join(records[1:])
    wrong_length = first.replace(
        b"Content-Length: " + first.split(b"Content-Length: ")[1].split(b"\r\n")[0],
        b"Content-Length: 99999",
    )
    no_length = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: many\r\n\r\nxx\r\n\r\n"
    junk = b"this line is not a record\r\nnor is this one\r\n"
    path = tmp_path / "broken.warc"
    path.write_bytes(first + junk + no_length + wrong_length[:700] + rest)  # cut in its body
    docs, problems = read([path])
    assert [d.url for d in docs] == [
        "https://www.norrvik-news.example/ferry",
        "https://castel.example/harvest",
    ]
    assert len(problems) == 3, problems
    assert "not a WARC record" in problems[0].message
    assert "no valid Content-Length" in problems[1].message
    assert "Content-Length does not match" in problems[2].message
    for p in problems:
        assert p.where.startswith(f"{path}:")
        one_line(p)


def test_arc_file_is_read(tmp_path: Path) -> None:
    body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page(2)
    header = b"1 0 newsfuse\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://old.arc 0.0.0.0 20240203040506 text/plain %d\n" % len(header) + header
    arc += b"\nhttp://ostmarsh.example/bridge 10.0.0.1 20240203040506 text/html %d\n" % len(body)
    arc += body + b"\n"
    path = tmp_path / "old.arc.gz"
    path.write_bytes(gzip.compress(arc))
    [doc], problems = read([path])
    assert problems == []
    assert doc.url == "http://ostmarsh.example/bridge" and BODIES[2].encode() in page(2)
    assert doc.html is not None and BODIES[2] in doc.html


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Norrvik Courier</title><link>https://courier.example/</link>
<item><title>Ferry back</title><link>https://courier.example/ferry</link>
<guid>courier-1</guid><pubDate>Fri, 15 Sep 2023 08:00:00 GMT</pubDate>
<description>&lt;p&gt;{}&lt;/p&gt;</description></item>
<item><title>Harvest</title><link>https://courier.example/harvest</link>
<pubDate>Sat, 16 Sep 2023 09:30:00 GMT</pubDate><description>{}</description></item>
</channel></rss>""".format(*BODIES)

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ostmarsh Post</title>
<id>urn:ostmarsh</id><updated>2023-09-17T10:00:00Z</updated>
<entry><title>Bridge lights</title><id>urn:ostmarsh:1</id>
<link href="https://post.example/bridge"/><updated>2023-09-17T10:00:00Z</updated>
<content type="html">&lt;p&gt;{BODIES[2]}&lt;/p&gt;</content></entry></feed>"""


def test_rss_and_atom_entries_become_docs(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_text(RSS)
    (tmp_path / "b.atom").write_text(ATOM)
    docs, problems = read([tmp_path])
    assert problems == []
    courier = "https://courier.example"
    assert [(d.id, d.title, d.url, d.source, d.published) for d in docs] == [
        ("courier-1", "Ferry back", f"{courier}/ferry", "Norrvik Courier", "2023-09-15"),
        (docs[1].id, "Harvest", f"{courier}/harvest", "Norrvik Courier", "2023-09-16"),
        ("urn:ostmarsh:1", "Bridge lights", "https://post.example/bridge", "Ostmarsh Post",
         "2023-09-17"),
    ]  # fmt: skip
    assert docs[0].html is not None and BODIES[0] in docs[0].html
    assert docs[0].text == BODIES[0]  # the plain fallback if trafilatura finds no article
    assert docs[2].html is not None and BODIES[2] in docs[2].html


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()


def test_feed_fetched_from_a_local_http_server(http_root: tuple[str, Path]) -> None:
    base, root = http_root
    (root / "feed.xml").write_text(RSS)
    (root / "page.html").write_text("<html><body><p>not a feed at all</p></body></html>")
    (root / "big.xml").write_text(RSS + " " * 5000)
    docs, problems = read(
        [f"{base}/feed.xml", f"{base}/page.html", f"{base}/missing.xml", f"{base}/big.xml"],
        max_feed_bytes=4000,
    )
    assert [d.url for d in docs] == [
        "https://courier.example/ferry",
        "https://courier.example/harvest",
    ]
    assert [p.where for p in problems] == [
        f"{base}/page.html",
        f"{base}/missing.xml",
        f"{base}/big.xml",
    ]
    assert "not an RSS or Atom feed" in problems[0].message
    assert "HTTP 404" in problems[1].message
    assert "max_feed_bytes" in problems[2].message
    for p in problems:
        one_line(p)


def test_feed_file_that_is_not_xml_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a_bad.rss").write_text("this is { not xml at all")
    (tmp_path / "b_good.rss").write_text(RSS)
    docs, problems = read([tmp_path])
    assert len(docs) == 2
    [problem] = problems
    assert problem.where == str(tmp_path / "a_bad.rss")
    assert "not an RSS or Atom feed" in problem.message
    one_line(problem)


ROWS = [
    {"uid": "n1", "body": BODIES[0], "headline": "Ferry", "outlet": "Courier",
     "date": "2023-09-15", "section": "local"},
    {"uid": "n2", "body": BODIES[1], "headline": "Harvest", "outlet": "Post",
     "date": "2023-09-16", "section": "farming"},
]  # fmt: skip
MAP = "uid=id,body=text,headline=title,outlet=source,date=published"


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def expect_rows(docs: list[RawDoc]) -> None:
    assert [(d.id, d.text, d.title, d.source, d.published) for d in docs] == [
        ("n1", BODIES[0], "Ferry", "Courier", "2023-09-15"),
        ("n2", BODIES[1], "Harvest", "Post", "2023-09-16"),
    ]
    assert [d.meta for d in docs] == [{"section": "local"}, {"section": "farming"}]


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_csv_and_tsv_columns_follow_the_map(tmp_path: Path, suffix: str) -> None:
    path = write_csv(tmp_path / f"rows{suffix}", ROWS, "\t" if suffix == ".tsv" else ",")
    docs, problems = read([path], column_map=MAP)
    assert problems == []
    expect_rows(docs)
    assert docs[0].origin == f"{path}:2"


def test_csv_with_field_names_needs_no_map_and_bad_rows_are_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(
        'id,text,title\r\na,"First story, with a comma.",One\r\nb,"too",many,cells\r\n'
        'c,,Empty\r\nd,"Multi\r\nline story.",Four\r\n'
    )
    docs, problems = read([path])
    assert [(d.id, d.text) for d in docs] == [
        ("a", "First story, with a comma."),
        ("d", "Multi\nline story."),
    ]
    assert [p.where for p in problems] == [f"{path}:3", f"{path}:4"]
    assert "3 cells" not in problems[0].message and "4 cells" in problems[0].message
    assert "empty text" in problems[1].message


def test_parquet_is_read_in_batches_with_the_map_and_typed_columns(tmp_path: Path) -> None:
    n = 2500
    table = pa.table(
        {
            "uid": [f"p{i}" for i in range(n)],
            "body": [f"{BODIES[i % 3]} Item {i}." for i in range(n)],
            "headline": [f"Title {i}" for i in range(n)],
            "ts": pa.array([1694764800_000_000 + i for i in range(n)], pa.timestamp("us")),
            "score": [i / 2 for i in range(n)],
        }
    )
    path = tmp_path / "rows.parquet"
    pq.write_table(table, path, row_group_size=700)
    docs, problems = read([path], column_map="uid=id,body=text,headline=title,ts=published")
    assert problems == [] and len(docs) == n
    assert (docs[7].id, docs[7].text, docs[7].title) == ("p7", f"{BODIES[1]} Item 7.", "Title 7")
    assert docs[0].published is not None and docs[0].published.startswith("2023-09-15T08:00")
    assert docs[3].meta == {"score": 1.5} and docs[-1].origin == f"{path}:{n}"


def test_parquet_missing_columns_and_junk_are_one_line_each(tmp_path: Path) -> None:
    pq.write_table(pa.table({"headline": ["x"], "date": ["2023-01-01"]}), tmp_path / "a.parquet")
    pq.write_table(pa.table({"text": ["y"]}), tmp_path / "b.parquet")
    (tmp_path / "c.parquet").write_bytes(b"PAR1 but not really a parquet file")
    pq.write_table(pa.table({"text": [BODIES[0]]}), tmp_path / "d.parquet")
    docs, problems = read([tmp_path], column_map="headline=title,date=published")
    assert [d.text for d in docs] == ["y", BODIES[0]]
    assert [p.where for p in problems] == [str(tmp_path / "a.parquet"), str(tmp_path / "c.parquet")]
    assert "no 'text' or 'html' column (its columns: headline, date)" in problems[0].message
    assert "not a readable Parquet file" in problems[1].message
    for p in problems:
        one_line(p)


def test_bad_column_map_is_a_settings_error() -> None:
    with pytest.raises(SettingsError, match="COLUMN=FIELD"):
        Settings.from_env(column_map="body=bodytext")
    with pytest.raises(SettingsError, match="two columns"):
        Settings.from_env(column_map="a=text,b=text")


COMPRESSORS = {
    ".gz": gzip.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
    ".bz2": bz2.compress,
}


def all_formats(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.txt").write_text(BODIES[0])
    (folder / "b.jsonl").write_text(json.dumps({"id": "j", "text": BODIES[1]}) + "\n")
    (folder / "c.warc").write_bytes(make_warc())
    (folder / "d.rss").write_text(RSS)
    write_csv(folder / "e.csv", ROWS)
    pq.write_table(pa.table({"text": [BODIES[2]]}), folder / "f.parquet")
    (folder / "g.html").write_bytes(page(0))


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_every_format_reads_the_same_compressed(tmp_path: Path, suffix: str) -> None:
    all_formats(tmp_path / "plain")
    packed = tmp_path / "packed"
    packed.mkdir()
    for f in sorted((tmp_path / "plain").iterdir()):
        (packed / (f.name + suffix)).write_bytes(COMPRESSORS[suffix](f.read_bytes()))
    plain, p1 = read([tmp_path / "plain"], column_map="body=text")
    squeezed, p2 = read([packed], column_map="body=text")
    assert p1 == [] and p2 == [] and len(plain) == 10
    assert [(d.id, d.text, d.html, d.url) for d in plain] == [
        (d.id, d.text, d.html, d.url) for d in squeezed
    ]


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_truncated_compressed_file_is_one_line(tmp_path: Path, suffix: str) -> None:
    data = COMPRESSORS[suffix]((json.dumps({"text": BODIES[0]}) + "\n").encode() * 5000)
    (tmp_path / f"a.jsonl{suffix}").write_bytes(data[: len(data) // 2])
    (tmp_path / "b.txt").write_text(BODIES[1])
    docs, problems = read([tmp_path])
    assert docs[-1].text == BODIES[1]
    [problem] = problems
    assert problem.where == str(tmp_path / f"a.jsonl{suffix}")
    assert "truncated" in problem.message or "corrupt" in problem.message
    one_line(problem)


@pytest.mark.parametrize("kind", ["txt", "jsonl", "csv", "warc", "parquet"])
def test_zstd_bomb_is_refused_not_expanded(tmp_path: Path, kind: str) -> None:
    name = f"bomb.{kind}.zst"
    head = b"text\n" if kind == "csv" else b""
    bomb = zstandard.ZstdCompressor().compress(head + b" " * 100_000_000)
    assert len(bomb) < 100_000
    (tmp_path / name).write_bytes(bomb)
    (tmp_path / "z.txt").write_text(BODIES[0])
    docs, problems = read([tmp_path], max_decompressed_bytes=2_000_000)
    assert [d.text for d in docs] == [BODIES[0]]
    [problem] = problems
    assert "zstd data expands to more than" in problem.message
    one_line(problem)


def test_oversized_warc_page_is_one_line_and_oversized_media_is_skipped(tmp_path: Path) -> None:
    out = io.BytesIO()
    w = WARCWriter(out, gzip=False)
    warc_record(w, "https://big.example/page", b"<p>" + b"long text " * 8000 + b"</p>")
    warc_record(w, "https://big.example/video", b"\x00" * 80_000, ctype="video/mp4")
    warc_record(w, "https://norrvik-news.example/ferry", page(0))
    path = tmp_path / "big.warc"
    path.write_bytes(out.getvalue())
    docs, problems = read([path], max_article_bytes=2_000)
    assert [d.url for d in docs] == ["https://norrvik-news.example/ferry"]
    [problem] = problems
    assert problem.where == f"{path}:1" and "over max_article_bytes" in problem.message
    one_line(problem)


def test_feed_server_that_does_not_answer_in_time_is_one_line(tmp_path: Path) -> None:
    class Slow(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(3)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
    (tmp_path / "b.rss").write_text(RSS)
    try:
        started = time.monotonic()
        docs, problems = read([url, tmp_path / "b.rss"], fetch_timeout_s=0.5)
        assert time.monotonic() - started < 2.5
    finally:
        server.shutdown()
        server.server_close()
    assert len(docs) == 2
    [problem] = problems
    assert problem.where == url and "0.5 s" in problem.message
    one_line(problem)
