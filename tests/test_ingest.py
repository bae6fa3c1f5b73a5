"""The read stage on well-formed input: formats, compression, folders, ids, sources, origins."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import tracemalloc
import unicodedata
from pathlib import Path

import pytest

from newsfuse.ingest import read_paths
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

ARTICLE = "Ministers met in Lisbon on Tuesday.\nThe talks lasted three hours."
PAGE = "<html><head><title>Talks</title></head><body><p>The talks lasted.</p></body></html>"


def read(paths: list[Path | str], **limits: int) -> tuple[list[RawDoc], list[Problem]]:
    problems: list[Problem] = []
    docs = list(read_paths(paths, Settings(**limits), problems))
    return docs, problems


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def sha16(text: str, source: str) -> str:
    return hashlib.sha1(f"{source}\0{text.strip()}".encode()).hexdigest()[:16]


def test_txt_file_becomes_one_text_doc(tmp_path: Path) -> None:
    path = write(tmp_path / "lisbon.txt", ARTICLE)
    docs, problems = read([path])
    assert problems == []
    [doc] = docs
    assert doc.text == ARTICLE and doc.html is None
    assert doc.origin == str(path)
    assert doc.id == sha16(ARTICLE, "lisbon.txt")
    assert doc.source == "lisbon.txt"
    assert doc.meta == {} and doc.title is None and doc.url is None


@pytest.mark.parametrize("name", ["page.html", "page.htm", "PAGE.HTML"])
def test_html_file_keeps_its_markup(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, PAGE)
    [doc], problems = read([path])
    assert problems == []
    assert doc.html == PAGE and doc.text is None
    assert (doc.origin, doc.source, doc.id) == (str(path), name, sha16(PAGE, name))


def test_jsonl_fields_meta_and_line_origins(tmp_path: Path) -> None:
    record = {
        "id": "reuters-17",
        "text": ARTICLE,
        "title": "Talks in Lisbon",
        "url": "https://www.example.org/talks",
        "source": "Reuters",
        "published": "14 Sept 2023",
        "lang": "en",
        "tags": ["politics", {"nested": True}],
    }
    path = write(tmp_path / "feed.jsonl", "\n" + jsonl(record) + "\n" + jsonl({"html": PAGE}))
    docs, problems = read([path])
    assert problems == []
    first, second = docs
    assert first.origin == f"{path}:2" and second.origin == f"{path}:4"
    assert (first.id, first.text, first.html) == ("reuters-17", ARTICLE, None)
    assert (first.title, first.url, first.source) == (
        "Talks in Lisbon",
        "https://www.example.org/talks",
        "Reuters",
    )
    assert first.published == "14 Sept 2023"  # raw: cleaning normalises dates
    assert first.meta == {"lang": "en", "tags": ["politics", {"nested": True}]}
    assert (second.html, second.text, second.id) == (PAGE, None, sha16(PAGE, "feed.jsonl"))


@pytest.mark.parametrize("own_id", [42, "0042", "a b"])
def test_own_ids_are_kept_as_written(tmp_path: Path, own_id: object) -> None:
    path = write(tmp_path / "ids.jsonl", jsonl({"id": own_id, "text": ARTICLE}))
    [doc], _ = read([path])
    assert doc.id == str(own_id)


def test_missing_or_blank_id_falls_back_to_content_hash(tmp_path: Path) -> None:
    path = write(
        tmp_path / "ids.jsonl",
        jsonl({"text": ARTICLE}, {"id": None, "text": ARTICLE}, {"id": " ", "text": "other"}),
    )
    docs, _ = read([path])
    assert [d.id for d in docs] == [
        sha16(ARTICLE, "ids.jsonl"),
        sha16(ARTICLE, "ids.jsonl"),
        sha16("other", "ids.jsonl"),
    ]


def test_hash_ids_are_stable_and_ignore_encoding_and_newlines(tmp_path: Path) -> None:
    # Same file name (so same source) in different folders: only the content may differ.
    plain = write(tmp_path / "a" / "art.txt", ARTICLE)
    crlf_bom = write(
        tmp_path / "b" / "art.txt", codecs.BOM_UTF8 + ARTICLE.replace("\n", "\r\n").encode()
    )
    utf16 = write(tmp_path / "c" / "art.txt", ARTICLE.encode("utf-16"))
    decomposed = write(tmp_path / "d" / "art.txt", unicodedata.normalize("NFD", "Café " + ARTICLE))
    composed = write(tmp_path / "e" / "art.txt", "Café " + ARTICLE)
    other = write(tmp_path / "f" / "art.txt", ARTICLE + " Then they left.")
    first, _ = read([plain, crlf_bom, utf16, decomposed, composed, other])
    again, _ = read([plain, crlf_bom, utf16, decomposed, composed, other])
    ids = [d.id for d in first]
    assert ids == [d.id for d in again]
    assert ids[0] == ids[1] == ids[2]
    assert ids[3] == ids[4] != ids[0]
    assert ids[5] not in ids[:5]
    renamed, _ = read([write(tmp_path / "g" / "other-outlet.txt", ARTICLE)])
    assert renamed[0].id != ids[0]  # another outlet printing the same text: another article
    assert all(len(i) == 16 and int(i, 16) >= 0 for i in ids if i)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"source": "AP", "url": "https://www.bbc.co.uk/x"}, "AP"),
        ({"url": "https://www.bbc.co.uk/news/1"}, "bbc.co.uk"),
        ({"url": "http://user@News.Example.com:8080/a?b=c"}, "news.example.com"),
        ({"source": "  ", "url": "https://apnews.com/x"}, "apnews.com"),
        ({"url": "not a url"}, "wire.jsonl"),
        ({"url": "http://[::1"}, "wire.jsonl"),
        ({}, "wire.jsonl"),
    ],
)
def test_source_falls_back_to_url_domain_then_file_name(
    tmp_path: Path, record: dict[str, str], expected: str
) -> None:
    path = write(tmp_path / "wire.jsonl", jsonl({"text": ARTICLE, **record}))
    [doc], problems = read([path])
    assert problems == []
    assert doc.source == expected


@pytest.mark.parametrize(("name", "content"), [("a.txt", ARTICLE), ("a.html", PAGE)])
def test_gzip_gives_the_same_doc_as_plain(tmp_path: Path, name: str, content: str) -> None:
    plain = write(tmp_path / name, content)
    packed = write(tmp_path / "gz" / (name + ".gz"), gzip.compress(content.encode()))
    [a], _ = read([plain])
    [b], problems = read([packed])
    assert problems == []
    assert (a.text, a.html, a.id) == (b.text, b.html, b.id)
    assert b.origin == str(packed) and b.source == name


def test_gzipped_jsonl_and_gzip_found_by_magic_bytes(tmp_path: Path) -> None:
    lines = jsonl({"id": "1", "text": ARTICLE}, {"id": "2", "text": "Second story."})
    packed = write(tmp_path / "feed.JSONL.GZ", gzip.compress(lines.encode()))
    disguised = write(tmp_path / "really_gzip.txt", gzip.compress(ARTICLE.encode()))
    docs, problems = read([packed, disguised])
    assert problems == []
    assert [(d.origin, d.id) for d in docs[:2]] == [(f"{packed}:1", "1"), (f"{packed}:2", "2")]
    assert docs[2].text == ARTICLE


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    names = ["b/z.txt", "a.txt", "b/a/deep.htm", "c.jsonl", "b/m.html", "B.txt", "b/y.txt.gz"]
    for name in names:
        data = jsonl({"text": name}) if name.endswith(".jsonl") else f"story {name}"
        write(tmp_path / name, gzip.compress(data.encode()) if name.endswith(".gz") else data)
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "notes.txt", "hidden folder")
    write(tmp_path / "b" / "readme.md", "unknown extension")
    write(tmp_path / "b" / "picture.png", b"\x89PNG\x00")
    docs, problems = read([tmp_path])
    assert problems == []  # hidden and unknown files are skipped silently
    origins = [d.origin for d in docs]
    expected = [str(tmp_path / n) for n in sorted(names, key=lambda n: n.split("/"))]
    expected[expected.index(str(tmp_path / "c.jsonl"))] += ":1"
    assert origins == expected
    assert read([tmp_path])[0] == docs  # deterministic


def test_paths_are_read_in_the_order_given_and_each_file_once(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", "first")
    b = write(tmp_path / "b.txt", "second")
    docs, problems = read([b, tmp_path, a, str(b)])
    assert problems == []
    assert [d.origin for d in docs] == [str(b), str(a)]


def test_a_single_path_string_is_not_iterated_by_character(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "one")
    problems: list[Problem] = []
    docs = list(read_paths(str(tmp_path), Settings(), problems))
    assert len(docs) == 1 and problems == []


def test_symlink_loops_are_not_followed_forever(tmp_path: Path) -> None:
    write(tmp_path / "news" / "a.txt", "story a")
    write(tmp_path / "news" / "sub" / "b.txt", "story b")
    os.symlink(tmp_path / "news", tmp_path / "news" / "sub" / "up")
    os.symlink(tmp_path / "news" / "sub", tmp_path / "news" / "sub" / "self")
    docs, problems = read([tmp_path / "news"])
    assert problems == []
    assert [d.text for d in docs] == ["story a", "story b"]


def test_text_encodings_with_bom_are_decoded(tmp_path: Path) -> None:
    text = "Zürich, 14 September — talks ended."
    files = [
        write(tmp_path / "u8.txt", codecs.BOM_UTF8 + text.encode()),
        write(tmp_path / "le.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le")),
        write(tmp_path / "be.txt", codecs.BOM_UTF16_BE + text.encode("utf-16-be")),
    ]
    docs, problems = read(files)
    assert problems == []
    assert [d.text for d in docs] == [text] * 3


def test_html_declared_charset_is_honoured_only_when_utf8_fails(tmp_path: Path) -> None:
    head = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    latin = write(tmp_path / "latin.html", (head + "<p>Café “quoted”</p>").encode("cp1252"))
    honest = write(tmp_path / "honest.html", (head + "<p>Café</p>").encode("utf-8"))
    docs, problems = read([latin, honest])
    assert problems == []
    assert "Café “quoted”" in (docs[0].html or "")
    assert "Café" in (docs[1].html or "")


def test_jsonl_utf16_with_bom(tmp_path: Path) -> None:
    path = write(
        tmp_path / "u16.jsonl", jsonl({"text": "Zürich"}, {"text": "Genève"}).encode("utf-16")
    )
    docs, problems = read([path])
    assert problems == []
    assert [(d.text, d.origin) for d in docs] == [("Zürich", f"{path}:1"), ("Genève", f"{path}:2")]


def test_jsonl_is_streamed_not_loaded(tmp_path: Path) -> None:
    """A file far larger than one article reads in memory bounded by the article size."""
    body = "word " * 200
    count = 4000
    path = tmp_path / "big.jsonl"
    with path.open("w") as out:
        for i in range(count):
            out.write(json.dumps({"id": i, "text": body}) + "\n")
    size = path.stat().st_size
    problems: list[Problem] = []
    tracemalloc.start()
    try:
        seen = sum(1 for _ in read_paths([path], Settings(max_article_bytes=2000), problems))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (seen, problems) == (count, [])
    assert size > 4_000_000 and peak < size / 20


def test_documents_arrive_lazily(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "first")
    write(tmp_path / "b.txt", b"")
    problems: list[Problem] = []
    docs = read_paths([tmp_path], Settings(), problems)
    assert next(docs).text == "first"
    assert problems == []  # b.txt not touched yet
    assert list(docs) == [] and len(problems) == 1


def test_folder_named_like_a_domain_is_the_source(tmp_path: Path) -> None:
    page = write(tmp_path / "www.harbor-ledger.example" / "2025" / "03" / "dam.txt", ARTICLE)
    plain = write(tmp_path / "notes" / "dam.txt", ARTICLE)
    docs, _ = read([page, plain])
    assert [d.source for d in docs] == ["harbor-ledger.example", "dam.txt"]
