"""Provenance: copies, time order, wire credits and independence groups (invented reports)."""

from __future__ import annotations

from newsfuse.analysis.provenance import (
    count_independent,
    group_of,
    independence_groups,
    passage_credits,
    trace_provenance,
)
from newsfuse.analysis.wire import find_credits
from newsfuse.model import Article, Span

ORIGINAL = (
    "The river Lenna burst its banks near the town of Marwick on Sunday night. "
    "Water reached the first floor of the old grain market within two hours. "
    "Firefighters evacuated three care homes and a primary school before midnight. "
    "The regional council opened two sports halls as shelters for displaced families. "
    "Engineers blamed a clogged culvert under the ring road for the sudden rise. "
    "Farmers downstream moved cattle to higher pastures as the water spread."
)
# A light rewrite: a few words changed, one sentence dropped, order kept.
REWRITE = (
    "The river Lenna burst its banks close to the town of Marwick on Sunday night. "
    "Water reached the first floor of the old grain market within just two hours. "
    "Firefighters evacuated three care homes and a primary school before midnight. "
    "Engineers blamed a clogged culvert under the ring road for the sudden rise."
)
INDEPENDENT = (
    "Marwick residents spent the night in sports halls after the Lenna flooded. "
    "A council spokesperson said the damage would take weeks to assess. "
    "Volunteers handed out blankets and hot soup until the early morning."
)


def _article(aid: str, text: str, published: str | None = None) -> Article:
    return Article(id=aid, origin=f"{aid}.txt", source=aid, text=text, published=published)


def test_rewrite_links_to_the_earlier_article_and_shares_its_group() -> None:
    articles = [
        _article("b", REWRITE, "2024-03-04"),
        _article("a", ORIGINAL, "2024-03-03"),
        _article("c", INDEPENDENT, "2024-03-03"),
    ]
    links = {link.article: link for link in trace_provenance(articles)}
    assert links["b"].derived_from == "a"
    assert links["b"].score >= 0.75
    assert "published 1 day later" in links["b"].evidence
    assert links["a"].derived_from is None
    assert links["c"].derived_from is None
    groups = independence_groups(articles, list(links.values()))
    assert sorted(groups) == [["a", "b"], ["c"]]


def test_time_order_decides_direction_even_for_the_longer_copy() -> None:
    # The longer text was published later: it expanded the earlier, shorter one.
    articles = [_article("long", ORIGINAL, "2024-03-05"), _article("short", REWRITE, "2024-03-03")]
    links = {link.article: link for link in trace_provenance(articles)}
    assert links["long"].derived_from == "short"
    assert links["short"].derived_from is None


def test_when_dates_are_unknown_the_more_complete_text_is_the_source() -> None:
    articles = [_article("a", REWRITE), _article("b", ORIGINAL)]
    links = {link.article: link for link in trace_provenance(articles)}
    assert links["a"].derived_from == "b"
    assert "more complete" in links["a"].evidence
    assert links["b"].derived_from is None


def test_when_dates_are_unknown_the_near_duplicate_search_decides() -> None:
    a = _article("a", ORIGINAL)
    b = _article("b", ORIGINAL.replace("Sunday night", "Sunday evening"), "2024-03-03")
    a.duplicate_of = "b"  # dedup named the dated text the original
    links = {link.article: link for link in trace_provenance([a, b])}
    assert links["a"].derived_from == "b" and links["b"].derived_from is None
    assert "near-duplicate search" in links["a"].evidence


def test_a_shared_quotation_is_not_copying() -> None:
    quote = (
        "“We will rebuild every bridge on this river before the winter comes and we will not "
        "leave a single family without a roof over their heads,” the mayor said."
    )
    one = _article("one", "Rain stopped in Marwick on Monday. " + quote + " Roads reopened.")
    two = _article(
        "two", "The clean-up began at dawn with army trucks. " + quote + " Schools stay shut."
    )
    links = trace_provenance([one, two])
    assert all(link.derived_from is None for link in links)


def test_byline_credit_joins_syndicated_copies_but_in_text_credit_does_not() -> None:
    ap_one = _article("p1", "MARWICK (AP) — The Lenna flooded the town overnight, officials said.")
    ap_two = _article(
        "p2", "MARWICK (AP) — Hundreds of people left their homes as the river rose on Sunday."
    )
    kcna_one = _article("k1", "Pyongyang held a parade on Sunday, state agency KCNA reported.")
    kcna_two = _article("k2", "The parade featured new rockets, according to KCNA, the agency.")
    articles = [ap_one, ap_two, kcna_one, kcna_two]
    links = trace_provenance(articles)
    by_id = {link.article: link for link in links}
    assert by_id["p1"].agencies == ["AP"]
    assert "byline credit: AP" in by_id["p1"].evidence
    assert by_id["k1"].agencies == ["KCNA"]
    assert "passages credited to KCNA" in by_id["k1"].evidence
    groups = independence_groups(articles, links)
    assert ["p1", "p2"] in groups
    assert ["k1"] in groups and ["k2"] in groups


def test_passages_crediting_one_agency_count_as_one_origin() -> None:
    one = _article("one", "The parade was the largest in years, KCNA reported on Monday.")
    two = _article("two", "State news agency KCNA said the parade was the largest in years.")
    three = _article("three", "Diplomats in Seoul said the parade was the largest in years.")
    articles = [one, two, three]
    index = group_of(independence_groups(articles, trace_provenance(articles)))
    credits = passage_credits(articles)
    spans = [Span(a.id, 0, len(a.text), a.text) for a in articles]
    assert count_independent(spans[:2], index, credits) == 1
    assert count_independent(spans, index, credits) == 2


def test_credit_detection_needs_an_attribution_cue() -> None:
    assert [c.agency for c in find_credits("The quake killed 12, according to Xinhua.")] == [
        "Xinhua"
    ]
    assert find_credits("Reuters journalists won a photography prize in Paris.") == []
    tail = find_credits(
        "The talks ended without a deal.\n\nAssociated Press writer J. Doe contributed."
    )
    assert [(c.agency, c.byline) for c in tail] == [("AP", True)]
    inline = find_credits("Officials said, quoting news agency Reuters, that talks would resume.")
    assert [(c.agency, c.byline) for c in inline] == [("Reuters", False)]
