"""Entity extraction: name keys (fast) and alias merging on invented stories (spaCy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfuse.analysis.entity_names import acronym, initials, is_subsequence, name_key
from newsfuse.model import Article

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"

# Invented reports of one invented event, written for these tests.
STORY = [
    "Prime Minister Jane Okafor met Norlandian President Lars Hedlund in Tallinn on Tuesday. "
    "The Norland News Agency (NNA) said the talks lasted three hours.\n\n"
    "Okafor said both sides wanted a deal. Hedlund told reporters that costs would be shared. "
    "According to the Federal Water Authority, the floods damaged 120 schools.",
    "Mrs. Okafor and Mr. Hedlund signed the agreement, the NNA reported.\n\n"
    "The Norlandian President said the deal was historic. The FWA welcomed it.",
    "Jane Okafor promised to rebuild the schools.\n\n"
    "In Tallinn, Lars Hedlund met José Álvarez, the Vespanian envoy. Jose Alvarez declined to "
    "comment, but Mr. Álvarez later praised the talks.",
]
TWO_BERGS = [
    "Anna Berg, the finance minister, presented the budget. Berg said taxes would not rise.",
    "Tom Berg, the opposition leader, criticised the budget. Berg called it reckless.",
    "Anna Berg and Tom Berg will debate the budget on Friday.",
]


def _articles(texts: list[str]) -> list[Article]:
    return [Article(id=f"a{i}", origin="test", source=f"s{i}", text=t) for i, t in enumerate(texts)]


def test_name_keys_ignore_hyphens_case_diacritics_and_titles() -> None:
    assert name_key("Kim Jong-un", True) == name_key("KIM JONG UN", True)
    assert name_key("José Álvarez", True) == name_key("Jose Alvarez", True)
    assert name_key("Mr. Kim", True) == ("kim",)
    assert name_key("President Vladimir Putin's", True) == ("vladimir", "putin")
    assert name_key("the Kremlin", False) == ("kremlin",)
    # titles are only stripped from people: "General Motors" stays a company
    assert name_key("General Motors", False) == ("general", "motors")


def test_acronyms_and_initials() -> None:
    assert acronym("U.N.") == "UN"
    assert acronym("KCNA") == "KCNA"
    assert acronym("Kremlin") is None
    assert initials(name_key("Korean Central News Agency", False)) == "KCNA"
    assert initials(name_key("Democratic People’s Republic of Korea", False)) == "DPRK"


def test_partial_names() -> None:
    assert is_subsequence(("kim",), ("kim", "jong", "un"))
    assert is_subsequence(("vladimir", "putin"), ("vladimir", "vladimirovich", "putin"))
    assert not is_subsequence(("jong", "putin"), ("kim", "jong", "un"))
    assert not is_subsequence(("kim", "jong", "un"), ("kim", "jong", "un"))


@pytest.fixture(scope="module")
def story_entities() -> dict[str, object]:
    from newsfuse.analysis.entities import entity_index, extract_entities

    entities = extract_entities(_articles(STORY))
    return {"list": entities, "index": entity_index(entities)}


def _find(entities: object, name: str) -> object:
    assert isinstance(entities, list)
    matches = [e for e in entities if e.name == name]
    assert len(matches) == 1, [e.name for e in entities]
    return matches[0]


@pytest.mark.slow
def test_people_merge_surname_honorific_and_role(story_entities: dict[str, object]) -> None:
    entities = story_entities["list"]
    okafor = _find(entities, "Jane Okafor")
    assert {"Okafor", "Mrs. Okafor"} <= set(okafor.aliases)  # type: ignore[attr-defined]
    assert okafor.articles == ["a0", "a1", "a2"]  # type: ignore[attr-defined]
    hedlund = _find(entities, "Lars Hedlund")
    aliases = set(hedlund.aliases)  # type: ignore[attr-defined]
    assert {"Mr. Hedlund", "the Norlandian President"} <= aliases
    assert hedlund.type == "PERSON"  # type: ignore[attr-defined]
    # one entity per person: no stray "Hedlund" or "Okafor" left over
    names = [e.name for e in entities]  # type: ignore[attr-defined]
    assert not any(n in ("Hedlund", "Okafor", "Mr. Hedlund") for n in names)


@pytest.mark.slow
def test_diacritics_and_acronyms_merge(story_entities: dict[str, object]) -> None:
    entities = story_entities["list"]
    alvarez = _find(entities, "José Álvarez")
    assert {"Jose Alvarez", "Mr. Álvarez"} <= set(alvarez.aliases)  # type: ignore[attr-defined]
    agency = _find(entities, "Norland News Agency")
    assert "NNA" in agency.aliases  # type: ignore[attr-defined]
    assert agency.articles == ["a0", "a1"]  # type: ignore[attr-defined]
    water = _find(entities, "Federal Water Authority")  # initials only, no parentheses
    assert "FWA" in water.aliases  # type: ignore[attr-defined]


@pytest.mark.slow
def test_order_and_index(story_entities: dict[str, object]) -> None:
    entities = story_entities["list"]
    assert isinstance(entities, list)
    keys = [(-len(e.articles), -e.mentions, e.name) for e in entities]
    assert keys == sorted(keys)
    index = story_entities["index"]
    assert isinstance(index, dict)
    assert index["mrs. okafor"] == "Jane Okafor"
    assert index["nna"] == "Norland News Agency"
    assert index["the norlandian president"] == "Lars Hedlund"


@pytest.mark.slow
def test_two_people_with_one_surname_stay_apart() -> None:
    from newsfuse.analysis.entities import extract_entities

    entities = extract_entities(_articles(TWO_BERGS))
    anna = _find(entities, "Anna Berg")
    tom = _find(entities, "Tom Berg")
    # each article's bare "Berg" goes to the Berg that article names
    assert anna.articles == ["a0", "a2"]  # type: ignore[attr-defined]
    assert tom.articles == ["a1", "a2"]  # type: ignore[attr-defined]
    assert anna.mentions == 3 and tom.mentions == 3  # type: ignore[attr-defined]


@pytest.mark.slow
def test_seed_story_merges_kim_and_putin() -> None:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared/seeds not available")
    from newsfuse.analysis.entities import extract_entities

    articles = [
        Article(id=p.stem, origin=str(p), source=p.stem, text=p.read_text(encoding="utf-8"))
        for p in seeds
    ]
    entities = extract_entities(articles)
    kims = [e for e in entities if "Kim" in e.aliases or e.name.startswith("Kim Jong")]
    putins = [e for e in entities if "Putin" in e.aliases or e.name.endswith("Putin")]
    assert len(kims) == 1 and len(putins) == 1
    kim, putin = kims[0], putins[0]
    assert kim.name == "Kim Jong Un"
    assert {"Kim Jong-un", "Mr. Kim", "Kim"} <= set(kim.aliases)
    assert putin.name == "Vladimir Putin"
    assert {"Mr. Putin", "Putin"} <= set(putin.aliases)
    assert len(kim.articles) == len(putin.articles) == len(articles)
    kcna = [e for e in entities if "KCNA" in e.aliases]
    assert len(kcna) == 1 and kcna[0].name == "Korean Central News Agency"
