"""Longer fuzzing campaigns on the cleaning path than the test suite can afford.

    python bench/fuzz.py --seconds 120                  # atheris (coverage-guided) on text+HTML
    python bench/fuzz.py --engine hypothesis --pages 10000 --seconds 900

atheris (libFuzzer for Python) mutates byte strings towards new code coverage in the cleaner:
each input becomes a RawDoc of plain text or of HTML (decoded from the fuzzer's bytes) and
goes through `clean()`, trafilatura child process included. It runs in a child process
bounded by --seconds, with libFuzzer's per-input timeout; a crash (any exception other than
InputError) or a timeout leaves the input under --artifacts and fails the run. The hypothesis
engine replays the generators of tests/test_fuzz_clean.py (hostile texts and whole pages) at
full length. Both print one table; --json prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parents[1]


def atheris_target(seconds: int, per_input_s: int, artifacts: Path) -> None:
    """Runs inside the child process: sets libFuzzer up and fuzzes until time is up."""
    import atheris

    with atheris.instrument_imports():
        from newsfuse.clean import clean
        from newsfuse.errors import InputError
        from newsfuse.model import RawDoc
        from newsfuse.settings import Settings

    settings = Settings(max_article_bytes=200_000, html_timeout_s=float(per_input_s))

    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        as_html = fdp.ConsumeBool()
        title = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 80)) or None
        body = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
        raw = (
            RawDoc(origin="fuzz.html", html=body, title=title)
            if as_html
            else RawDoc(origin="fuzz.txt", text=body, title=title)
        )
        with contextlib.suppress(InputError):  # a clear refusal is a fine outcome
            clean(raw, settings)

    artifacts.mkdir(parents=True, exist_ok=True)
    atheris.Setup(
        [
            sys.argv[0],
            f"-max_total_time={seconds}",
            f"-timeout={per_input_s + 10}",
            "-rss_limit_mb=4096",
            "-max_len=65536",
            f"-artifact_prefix={artifacts}/",
            "-print_final_stats=1",
        ],
        one_input,
    )
    atheris.Fuzz()


def run_atheris(seconds: int, per_input_s: int, artifacts: Path) -> dict[str, object]:
    try:
        import atheris  # noqa: F401
    except ImportError:
        sys.exit("atheris is not installed: pip install atheris, or use --engine hypothesis")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), *sys.path]))
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(seconds), str(per_input_s), str(artifacts)],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 300,
    )
    elapsed = time.perf_counter() - started
    runs = re.search(r"Done (\d+) runs", child.stderr) or re.search(
        r"stat::number_of_executed_units:\s*(\d+)", child.stderr
    )
    cov = re.findall(r"cov: (\d+)", child.stderr)
    crashed = child.returncode != 0
    if crashed:
        print(child.stderr[-4000:], file=sys.stderr)
    return {
        "engine": "atheris",
        "target": "clean (text + HTML)",
        "inputs": int(runs.group(1)) if runs else 0,
        "seconds": round(elapsed, 1),
        "coverage_edges": int(cov[-1]) if cov else 0,
        "failures": int(crashed),
    }


def run_hypothesis(seconds: int, texts: int, pages: int) -> list[dict[str, object]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_fuzz_clean import SETTINGS, hostile, page, prose

    from newsfuse.clean import clean
    from newsfuse.errors import InputError
    from newsfuse.model import RawDoc

    results = []
    deadline = time.monotonic() + seconds
    for target, count, make in (
        ("clean text", texts, lambda r: RawDoc(origin="t.txt", text=hostile(r) + prose(r)[0])),
        ("clean HTML page", pages, lambda r: RawDoc(origin="p.html", html=page(r))),
    ):
        r = Random(f"newsfuse-{target}")
        done = refused = 0
        slowest = 0.0
        started = time.perf_counter()
        while done < count and time.monotonic() < deadline:
            raw = make(r)
            t0 = time.perf_counter()
            try:
                clean(raw, SETTINGS)
            except InputError:
                refused += 1
            slowest = max(slowest, time.perf_counter() - t0)
            done += 1
        elapsed = time.perf_counter() - started
        results.append(
            {
                "engine": "hypothesis generators",
                "target": target,
                "inputs": done,
                "seconds": round(elapsed, 1),
                "per_second": round(done / elapsed, 1) if elapsed else 0.0,
                "refused": refused,
                "slowest_ms": round(slowest * 1000, 1),
                "failures": 0,  # any other exception stops the bench with its traceback
            }
        )
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        atheris_target(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("atheris", "hypothesis"), default="atheris")
    parser.add_argument("--seconds", type=int, default=60, help="wall-clock bound of the run")
    parser.add_argument("--texts", type=int, default=10_000, help="hypothesis: texts to clean")
    parser.add_argument("--pages", type=int, default=10_000, help="hypothesis: HTML pages")
    parser.add_argument("--per-input", type=int, default=20, help="seconds one input may take")
    parser.add_argument("--artifacts", type=Path, default=ROOT / "out" / "fuzz")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.engine == "atheris":
        results = [run_atheris(args.seconds, args.per_input, args.artifacts)]
    else:
        results = run_hypothesis(args.seconds, args.texts, args.pages)
    columns = list(dict.fromkeys(k for row in results for k in row))
    print(" | ".join(columns))
    for row in results:
        print(" | ".join(str(row.get(c, "")) for c in columns))
    if args.json:
        print(json.dumps(results))
    if any(row["failures"] for row in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
