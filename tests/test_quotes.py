"""Quotes: quotation-mark styles (fast), attribution and grouping on invented reports (models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfuse.analysis.quote_marks import find_quotes
from newsfuse.model import Article, Quote

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

# One invented article using every attribution pattern the extractor promises.
PATTERNS = (
    "Mayor Linda Park opened the new river bridge on Monday. “This bridge connects two towns "
    "that were cut off for a decade,” Park said.\n\n"
    "“Traffic in the old town will fall by half,” said Linda Park.\n\n"
    "Park said: “We finished the work three months early.”\n\n"
    "Chief engineer Omar Haddad stated, “The steel came from local mills.” According to Haddad, "
    "the bridge cost 40 million euros. Haddad told reporters that the deck can carry sixty "
    "thousand cars a day.\n\n"
    "Haddad inspected the cables himself. He said, “Every single bolt was checked twice.”\n\n"
    "Park thanked the workers. “They worked through the coldest winter in years,” she said. "
    "“Nobody gave up.”\n\n"
    "Park added, 'The old ferry will become a museum next year.' Haddad said: «The bridge "
    "will last a hundred years.» A visiting minister, Klaus Weber, said „Bavaria will copy "
    "this design for its rivers.“\n\n"
    "Critics mocked the so-called “golden bridge” online. Park defended the cost on “Morning "
    "Report With Anna Lee” later that day."
)

# Invented reports of one event: the same promise in three wordings, a second statement by
# the same speaker, and a similar promise by someone else.
STORY = [
    "Prime Minister Jane Okafor met Norlandian President Lars Hedlund on Tuesday.\n\n"
    "“We have agreed to rebuild every school destroyed by the floods,” Okafor said.\n\n"
    "Hedlund said, “Norland will pay for new bridges across the flooded valley.”",
    "Mrs. Okafor and Mr. Hedlund signed the agreement.\n\n"
    "Okafor announced, “Every school the floods ruined will be rebuilt by our governments.”\n\n"
    "She added: “The national budget will be presented to parliament next month.”",
    "Jane Okafor promised to rebuild the schools, saying: «We will rebuild every flooded "
    "school.»\n\n"
    "Lars Hedlund said, “Norland will also help to rebuild the schools destroyed by floods.”",
]


def _articles(texts: list[str]) -> list[Article]:
    return [Article(id=f"a{i}", origin="test", source=f"s{i}", text=t) for i, t in enumerate(texts)]


def _spans(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_every_quotation_style() -> None:
    assert _spans('He said “curly quotes.” Then "straight ones," she said.') == [
        "curly quotes.",
        "straight ones",
    ]
    assert _spans("«Guillemets», dit-il. „Deutsche Anführung“, sagte sie.") == [
        "Guillemets",
        "Deutsche Anführung",
    ]
    assert _spans("She said ‘single curly’ and 'single straight' too.") == [
        "single curly",
        "single straight",
    ]


def test_apostrophes_are_not_quotes() -> None:
    text = "Russia’s leaders' talks didn't end; it's the '90s again, rock 'n' roll."
    assert _spans(text) == []
    # nested quotes stay inside the outer quote
    assert _spans("“He called it ‘a holy war’ yesterday,” she said.") == [
        "He called it ‘a holy war’ yesterday"
    ]


def test_quote_left_open_runs_to_paragraph_end() -> None:
    text = "“The first paragraph of a long statement\n\n“And its end.”"
    spans = find_quotes(text, 0, text.index("\n"))
    assert [(text[s.start : s.end], s.closed) for s in spans] == [
        ("The first paragraph of a long statement", False)
    ]


@pytest.fixture(scope="module")
def pattern_quotes() -> list[Quote]:
    from newsfuse.analysis.entities import extract_entities
    from newsfuse.analysis.quotes import extract_quotes

    articles = _articles([PATTERNS])
    return extract_quotes(articles, extract_entities(articles))


def _by_text(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if any(fragment in v.text for v in q.variants)]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fragment", "speaker", "cue", "direct"),
    [
        ("connects two towns", "Linda Park", "said", True),  # “…,” X said
        ("fall by half", "Linda Park", "said", True),  # “…,” said X
        ("three months early", "Linda Park", "said", True),  # X said: “…”
        ("local mills", "Omar Haddad", "stated", True),  # X stated, “…”
        ("40 million euros", "Omar Haddad", "According", False),  # according to X, …
        ("sixty thousand cars", "Omar Haddad", "told", False),  # X told reporters that …
        ("checked twice", "Omar Haddad", "said", True),  # he -> the last person named
        ("coldest winter", "Linda Park", "said", True),  # she -> Park
        ("Nobody gave up", "Linda Park", "said", True),  # second half of a split quote
        ("ferry will become a museum", "Linda Park", "added", True),  # 'single quotes'
        ("hundred years", "Omar Haddad", "said", True),  # «guillemets»
        ("copy this design", "Klaus Weber", "said", True),  # „German quotes“
    ],
)
def test_attribution_patterns(
    pattern_quotes: list[Quote], fragment: str, speaker: str, cue: str, direct: bool
) -> None:
    quote = _by_text(pattern_quotes, fragment)
    assert quote.speaker == speaker
    variant = quote.variants[0]
    assert (variant.cue, variant.direct) == (cue, direct)
    assert PATTERNS[variant.start : variant.end] == variant.text


@pytest.mark.slow
def test_split_quote_is_one_statement(pattern_quotes: list[Quote]) -> None:
    quote = _by_text(pattern_quotes, "Nobody gave up")
    assert [v.text for v in quote.variants] == [
        "They worked through the coldest winter in years",
        "Nobody gave up.",
    ]
    assert quote.text == "They worked through the coldest winter in years Nobody gave up."


@pytest.mark.slow
def test_scare_quotes_and_titles_are_not_quotes(pattern_quotes: list[Quote]) -> None:
    texts = " ".join(v.text for q in pattern_quotes for v in q.variants)
    assert "golden bridge" not in texts
    assert "Morning Report" not in texts


@pytest.fixture(scope="module")
def story() -> tuple[list[Article], list[Quote]]:
    from newsfuse.analysis.entities import extract_entities
    from newsfuse.analysis.quotes import extract_quotes

    articles = _articles(STORY)
    return articles, extract_quotes(articles, extract_entities(articles))


@pytest.mark.slow
def test_paraphrases_group_across_sources(story: tuple[list[Article], list[Quote]]) -> None:
    articles, quotes = story
    schools = [q for q in quotes if q.speaker == "Jane Okafor" and "school" in q.text]
    assert len(schools) == 1
    quote = schools[0]
    assert sorted(v.article for v in quote.variants) == ["a0", "a1", "a2"]
    assert quote.text in {v.text for v in quote.variants}
    assert quotes[0] is quote  # the most widely reported statement comes first
    texts = {a.id: a.text for a in articles}
    for q in quotes:
        for v in q.variants:
            assert texts[v.article][v.start : v.end] == v.text


@pytest.mark.slow
def test_different_statements_stay_apart(story: tuple[list[Article], list[Quote]]) -> None:
    _, quotes = story
    budget = _by_text(quotes, "national budget")
    assert budget.speaker == "Jane Okafor" and len(budget.variants) == 1  # she -> Okafor
    # Hedlund's similar promise is his, not a variant of Okafor's
    hedlund = [q for q in quotes if q.speaker == "Lars Hedlund"]
    assert any("schools" in q.text for q in hedlund)
    assert all(v.article != "a0" or "bridges" in v.text for q in hedlund for v in q.variants)
    okafor_texts = [v.text for q in quotes if q.speaker == "Jane Okafor" for v in q.variants]
    assert not any("Norland" in t for t in okafor_texts)


@pytest.mark.slow
def test_seed_story_groups_kims_statement() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared/seeds not available")
    from newsfuse.analysis.entities import extract_entities
    from newsfuse.analysis.quotes import extract_quotes

    articles = [
        Article(id=p.stem, origin=str(p), source=p.stem, text=p.read_text(encoding="utf-8"))
        for p in seeds
    ]
    quotes = extract_quotes(articles, extract_entities(articles))
    hegemonic = [q for q in quotes if any("hegemonic" in v.text for v in q.variants)]
    assert len(hegemonic) == 1
    quote = hegemonic[0]
    assert quote.speaker == "Kim Jong Un"
    assert len({v.article for v in quote.variants}) >= 3
    wordings = {v.text for v in quote.variants}
    assert any("just struggle" in w for w in wordings) and any("just fight" in w for w in wordings)


@pytest.mark.slow
def test_a_bridging_wording_does_not_chain_two_statements() -> None:
    from newsfuse.analysis.quote_groups import Item, group
    from newsfuse.embed import get_encoder

    speaker = "Jane Okafor"
    items = [
        Item(0, "We will rebuild every school that the floods destroyed this spring.", speaker),
        Item(
            1,
            "We will rebuild every school that the floods destroyed, and we will cut taxes "
            "for farming families.",
            speaker,
        ),
        Item(2, "We will cut taxes for farming families next year.", speaker),
    ]
    clusters, sim = group(items, get_encoder("minilm"))
    assert sim[0, 1] > 0.6 and sim[1, 2] > 0.6  # each end is close to the bridge ...
    assert sorted(map(sorted, clusters)) == [[0, 1], [2]]  # ... but not to each other
