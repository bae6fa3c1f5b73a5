"""The web layer's small pieces, without a server: page memo, upload names, rate limit, charts."""

from __future__ import annotations

from newsfuse.memo import Memo
from newsfuse.uploads import upload_name
from newsfuse.web.charts import coverage
from newsfuse.web.security import Attempts
from newsfuse.web.views import public_origin


def test_memo_is_bounded_by_size_and_drops_the_least_recently_used() -> None:
    memo = Memo(limit=10)
    memo.put("a", "xxxx")
    memo.put("b", "yyyy")
    assert memo.get("a") == "xxxx"  # now b is the least recently used
    memo.put("c", "zzzz")
    assert memo.get("b") is None and memo.get("a") == "xxxx" and memo.get("c") == "zzzz"
    memo.put("huge", "h" * 11)  # larger than the whole memo: kept nowhere
    assert memo.get("huge") is None
    memo.clear()
    assert memo.get("a") is None


def test_upload_names_never_leave_the_upload_folder() -> None:
    assert upload_name("../../etc/report.txt", 1) == "0001/report.txt"
    assert upload_name("C:\\Users\\x\\page.html", 2) == "0002/page.html"
    assert upload_name("..", 3) is None  # "upload" has no readable format
    assert upload_name(".hidden.jsonl", 4) == "0004/hidden.jsonl"
    assert upload_name("notes.pdf", 5) is None
    name = upload_name("a b;$(rm -rf).txt.gz", 6)
    assert name is not None and "/" not in name.split("/", 1)[1] and " " not in name


def test_origins_lose_the_server_folders() -> None:
    assert public_origin("/srv/news/in/a.jsonl:12") == "a.jsonl:12"
    assert public_origin("C:\\data\\b.txt") == "b.txt"
    assert public_origin("upload:0001/c.txt") == "upload:0001/c.txt"


def test_wrong_tokens_are_counted_per_address_in_a_window() -> None:
    now = [0.0]
    attempts = Attempts(limit=2, window=60.0, clock=lambda: now[0])
    attempts.failed("1.2.3.4")
    assert attempts.wait("1.2.3.4") == 0.0
    attempts.failed("1.2.3.4")
    assert attempts.wait("1.2.3.4") == 60.0 and attempts.wait("5.6.7.8") == 0.0
    now[0] = 30.0
    assert attempts.wait("1.2.3.4") == 30.0
    now[0] = 60.0
    assert attempts.wait("1.2.3.4") == 0.0  # the first failure left the window


def test_coverage_chart_scales_and_bins() -> None:
    one_day = coverage([("2025-03-02", 3)])
    assert one_day is not None and len(one_day.bars) == 1
    assert one_day.bars[0].w < one_day.width / 10  # a narrow bar, not a solid block
    long = coverage([("2024-01-01", 1), ("2024-12-31", 2), ("bad", 5)])
    assert long is not None and long.unit == "week" and len(long.bars) == 2
    assert max(b.h for b in long.bars) > min(b.h for b in long.bars)
    assert coverage([("undated", 1)]) is None
