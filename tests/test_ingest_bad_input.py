"""Hostile and broken input: each bad file or line is one clear problem, the batch goes on."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfuse.ingest import read_paths
from newsfuse.model import Problem, RawDoc
from newsfuse.settings import Settings

GOOD = "A good article that must still be read."


def read(paths: list[Path | str], **limits: int) -> tuple[list[RawDoc], list[Problem]]:
    problems: list[Problem] = []
    docs = list(read_paths(paths, Settings(**limits), problems))
    return docs, problems


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def assert_clean(problem: Problem) -> None:
    """The message is for a person: one line, lower-case start, no traceback."""
    assert problem.stage == "read"
    assert problem.message[:1].islower(), problem.message
    assert "\n" not in problem.message and "Traceback" not in problem.message
    assert "unexpected error" not in problem.message


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def corrupt(data: bytes) -> bytes:
    """Flip every byte of the deflate body, keeping the gzip header intact."""
    return data[:10] + bytes(b ^ 0xFF for b in data[10:-8]) + data[-8:]


LATIN1 = "Le café est fermé.".encode("latin-1")
E_ACUTE = LATIN1.index(b"\xe9")
LONG_TEXT = ("The committee met again. " * 400).encode()

FILE_CASES = [
    ("empty.txt", b"", "empty file"),
    ("empty.html", b"", "empty file"),
    ("empty.jsonl", b"", "empty file"),
    ("empty.txt.gz", gzip.compress(b""), "empty file"),
    ("blank.jsonl", b"\n   \n\r\n", "no records"),
    ("spaces.txt", b" \n\t \r\n", "empty text"),
    ("spaces.htm", "\u3000\n".encode(), "empty text"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
    ("image.html", b"GIF89a\x01\x00\x01\x00\x00\xff\x00", "binary file"),
    ("image.jsonl", b'{"text": "x"}\n\x00\x01\x02\n' * 50, "binary file"),
    ("utf16_without_bom.txt", "no mark".encode("utf-16-le"), "binary file"),
    ("latin1.txt", LATIN1, f"offset {E_ACUTE}"),
    ("latin1.html", b"<p>" + LATIN1, f"offset {3 + E_ACUTE}"),
    ("bom_then_latin1.txt", codecs.BOM_UTF8 + LATIN1, f"offset {3 + E_ACUTE}"),
    ("unknown_charset.html", b'<meta charset="klingon"><p>' + LATIN1, "not valid UTF-8"),
    ("base64_charset.html", b'<meta charset="base64"><p>' + LATIN1, "declared charset"),
    ("bad_cp1252.html", b'<meta charset="windows-1252"><p>\x81\xff', "not valid cp1252"),
    ("lone_surrogate.txt", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8", "not valid utf-16"),
    ("truncated.txt.gz", half(gzip.compress(LONG_TEXT)), "truncated gzip"),
    ("truncated.jsonl.gz", half(gzip.compress(b'{"text": "x"}\n' * 2000)), "truncated gzip"),
    ("corrupt.html.gz", corrupt(gzip.compress(LONG_TEXT)), "gzip data"),
    ("header_only.txt.gz", b"\x1f\x8b", "gzip"),
    ("bomb.txt.gz", gzip.compress(b"\x00" * 20_000_000), "expands to more than 5000000"),
]


@pytest.mark.parametrize(("name", "data", "expected"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_bad_file_is_one_problem_and_the_batch_goes_on(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    write(tmp_path / "a_good.txt", GOOD)
    bad = write(tmp_path / name, data)
    write(tmp_path / "z_good.jsonl", json.dumps({"text": GOOD}) + "\n")
    docs, problems = read([tmp_path])
    assert [d.text for d in docs] == [GOOD, GOOD]
    [problem] = problems
    assert problem.where == str(bad)
    assert expected.lower() in problem.message.lower(), problem.message
    assert_clean(problem)


LINE_CASES = [
    ('{"text": "cut off", "id": ', "invalid JSON at column"),
    ("[1, 2]", "expected a JSON object, found an array"),
    ('"a string"', "found a string"),
    ("null", "found null"),
    ('{"id": [1], "text": "x"}', "'id' must be a string or an integer"),
    ('{"id": true, "text": "x"}', "'id' must be a string or an integer, not a boolean"),
    ('{"id": 1.5, "text": "x"}', "'id' must be"),
    ('{"text": "x", "title": 5}', "'title' must be a string, not a number"),
    ('{"text": ["x"], "url": {}}', "'text' must be a string, not an array; 'url'"),
    ('{"text": "x", "published": 20230914}', "'published' must be a string"),
    ('{"text": "x", "source": false}', "'source' must be a string"),
    ('{"title": "no body at all"}', "neither a 'text' nor an 'html'"),
    ('{"text": null, "html": null}', "neither"),
    ('{"text": "  \\n\\t "}', "empty text"),
    ('{"text": "", "html": " "}', "empty text"),
    ('{"text": "a\\u0000b"}', "NUL"),
    ('{"text": "bad \\ud800 half"}', "surrogate"),
    ('{"text": "x", "extra": {"k": ["\\udc00"]}}', "surrogate"),
    ("[" * 100_000, "invalid JSON"),
    ('{"text": "x", "n": 1' + "0" * 5000 + "}", "invalid JSON"),
    ('{"text": "' + "x" * 300_000 + '"}', "longer than max_article_bytes=200000"),
]


def test_each_bad_jsonl_line_is_one_problem_with_its_line_number(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "first", "text": GOOD})]
    lines += [bad for bad, _ in LINE_CASES]
    lines.append(json.dumps({"id": "last", "text": GOOD, "title": "\\ud800 is fine escaped"}))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    bad_utf8 = b'{"text": "caf\xe9"}'
    bad_at = len(data) + 1 + bad_utf8.index(b"\xe9")
    path = write(
        tmp_path / "mixed.jsonl",
        data + b"\n" + bad_utf8 + b"\n" + json.dumps({"text": GOOD}).encode(),
    )
    docs, problems = read([path], max_article_bytes=200_000)
    assert [d.id for d in docs][:2] == ["first", "last"] and len(docs) == 3
    assert docs[2].origin == f"{path}:{len(lines) + 2}"
    expected = [(i + 2, want) for i, (_, want) in enumerate(LINE_CASES)]
    expected.append((len(lines) + 1, f"offset {bad_at}"))
    assert len(problems) == len(expected)
    for problem, (lineno, want) in zip(problems, expected, strict=True):
        assert problem.where == f"{path}:{lineno}"
        assert want in problem.message, problem.message
        assert_clean(problem)


def test_over_long_last_line_without_newline(tmp_path: Path) -> None:
    path = write(
        tmp_path / "tail.jsonl", json.dumps({"text": GOOD}) + "\n" + '{"text": "' + "y" * 500
    )
    docs, problems = read([path], max_article_bytes=100)
    assert len(docs) == 1
    assert [p.where for p in problems] == [f"{path}:2"]


def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as out:
        out.truncate(10 * 2**30)  # sparse: reading it would take minutes, not microseconds
    write(tmp_path / "ok.html", f"<p>{GOOD}</p>")
    docs, problems = read([tmp_path])
    assert len(docs) == 1
    [problem] = problems
    assert problem.where == str(huge) and "max_article_bytes=5000000" in problem.message
    assert_clean(problem)


def test_gzip_bomb_in_jsonl_stops_at_the_decompression_limit(tmp_path: Path) -> None:
    record = (json.dumps({"text": GOOD}) + "\n").encode()
    bomb = write(tmp_path / "bomb.jsonl.gz", gzip.compress(record * 10 + b" " * 5_000_000))
    one_line = write(tmp_path / "line.jsonl.gz", gzip.compress(b'{"text": "' + b"x" * 5_000_000))
    docs, problems = read([bomb, one_line], max_decompressed_bytes=1_000_000)
    assert len(docs) == 10  # the records before the limit are kept
    assert [p.where for p in problems] == [str(bomb), str(one_line)]
    assert all("max_decompressed_bytes" in p.message for p in problems)


def test_max_files_stops_the_batch_with_one_problem(tmp_path: Path) -> None:
    for name in "abcde":
        write(tmp_path / "one" / f"{name}.txt", f"story {name}")
    write(tmp_path / "two.txt", "story two")
    docs, problems = read([tmp_path / "one", tmp_path / "two.txt"], max_files=3)
    assert [d.text for d in docs] == ["story a", "story b", "story c"]
    [problem] = problems
    assert problem.where == str(tmp_path / "one" / "d.txt") and "max_files=3" in problem.message


def test_paths_that_cannot_be_read(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", GOOD)
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    os.symlink(tmp_path / "loop_b.txt", tmp_path / "loop_a.txt")
    os.symlink(tmp_path / "loop_a.txt", tmp_path / "loop_b.txt")
    os.symlink(tmp_path / "gone.md", tmp_path / "dangling.md")  # unknown type: silent
    unknown = write(tmp_path / "outside" / "report.pdf", b"%PDF")
    missing = tmp_path / "missing.txt"
    docs, problems = read([tmp_path, unknown, missing, ""])
    assert [d.text for d in docs] == [GOOD]
    assert [p.where for p in problems] == [
        str(tmp_path / "dangling.txt"),
        str(tmp_path / "loop_a.txt"),
        str(tmp_path / "loop_b.txt"),
        str(unknown),
        str(missing),
        "''",
    ]
    assert "symbolic links" in problems[1].message
    assert "unsupported file type '.pdf'" in problems[3].message
    assert "no such file" in problems[4].message
    for problem in problems:
        assert_clean(problem)


@pytest.mark.timeout(20)
def test_a_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    write(tmp_path / "x.txt", GOOD)
    docs, problems = read([tmp_path, tmp_path / "pipe.txt"])
    assert len(docs) == 1
    assert len(problems) == 1  # named twice, reported once: the same file is visited once
    assert "not a regular file" in problems[0].message


def test_permission_denied_is_a_problem(tmp_path: Path) -> None:
    locked = write(tmp_path / "locked.txt", GOOD)
    locked.chmod(0)
    try:
        locked.open("rb").close()
    except PermissionError:
        pass
    else:
        pytest.skip("this user reads files without permission (root)")
    write(tmp_path / "open.txt", GOOD)
    docs, problems = read([tmp_path])
    assert len(docs) == 1
    [problem] = problems
    assert problem.where == str(locked) and "permission" in problem.message


def test_undecodable_file_name_is_reported_printably(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/bad\xff.txt"
    with open(raw, "wb") as out:
        out.write(GOOD.encode())
    write(tmp_path / "good.txt", GOOD)
    docs, problems = read([tmp_path])
    assert len(docs) == 1
    [problem] = problems
    assert problem.where.endswith("bad\\xff.txt") and "not valid UTF-8" in problem.message
    problem.where.encode("utf-8")  # storable and printable


SUFFIXES = [".txt", ".html", ".htm", ".jsonl", ".txt.gz", ".jsonl.gz", ".html.gz"]
payloads = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=300).map(lambda b: b"\x1f\x8b" + b),  # gzip magic, garbage after
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2000).map(lambda b: gzip.compress(b)[: max(2, len(b) // 3)]),
)


@settings(max_examples=200, deadline=2000)
@given(data=payloads, suffix=st.sampled_from(SUFFIXES), compress=st.booleans())
def test_arbitrary_bytes_never_raise(data: bytes, suffix: str, compress: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(gzip.compress(data) if compress else data)
        docs, problems = read([path], max_article_bytes=4000)
    assert docs or problems
    for doc in docs:
        assert doc.origin.startswith(str(path)) and doc.id and doc.source
        body = doc.text if doc.text is not None else doc.html
        assert body is not None and body.strip()
        body.encode("utf-8")  # no lone surrogates reach later stages
    for problem in problems:
        assert problem.where.startswith(str(path))
        assert_clean(problem)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
# Mostly well-typed fields, sometimes any JSON value, so both docs and problems come up.
field = st.one_of(st.text(max_size=60), st.text(max_size=60), json_values)
records = st.fixed_dictionaries(
    {},
    optional={
        name: field
        for name in ("id", "text", "html", "title", "url", "source", "published", "other")
    },
)


@settings(max_examples=100, deadline=2000)
@given(lines=st.lists(records, min_size=1, max_size=6))
def test_every_jsonl_line_gives_exactly_one_doc_or_problem(lines: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
        docs, problems = read([path])
    where = [d.origin for d in docs] + [p.where for p in problems]
    assert sorted(where) == sorted(f"{path}:{i}" for i in range(1, len(lines) + 1))
    for problem in problems:
        assert_clean(problem)


def test_utf16_jsonl_long_line_and_bad_code_unit(tmp_path: Path) -> None:
    good = json.dumps({"text": GOOD}) + "\n"
    long_line = json.dumps({"text": "z" * 400}) + "\n"
    text = (good + long_line + good).encode("utf-16")
    lone = b"\x00\xd8" + "x\n".encode("utf-16-le")  # a high surrogate with no low half
    data = text + lone + good.encode("utf-16-le") + b"!"  # and one stray byte at the end
    path = write(tmp_path / "u16.jsonl", data)
    docs, problems = read([path], max_article_bytes=300)
    assert [d.origin for d in docs] == [f"{path}:1", f"{path}:3", f"{path}:5"]
    assert [p.where for p in problems] == [f"{path}:2", f"{path}:4", str(path)]
    assert "longer than" in problems[0].message
    assert "UTF-16" in problems[1].message and "UTF-16" in problems[2].message
