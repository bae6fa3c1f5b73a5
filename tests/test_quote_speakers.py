"""Who said it: speakers named by a title, an apposition, a pronoun, or not at all.

Every text here is invented. Each case is a general way news names a speaker that an earlier
version got wrong (a name inside the source phrase that is not the speaker, a title standing
for a name, a pronoun whose referent the NER model mislabelled, a quote attributed after it).
"""

from __future__ import annotations

import pytest

from newsfuse.analysis.quote_roles import title_holder, titles
from newsfuse.analysis.quote_source import NameMention


def _people(text: str, names: list[str]) -> list[NameMention]:
    found = []
    for name in names:
        start = text.index(name)
        found.append(NameMention(start, start + len(name), name, "PERSON", 0, False))
    return sorted(found, key=lambda n: n.start)


def test_a_title_stands_for_the_person_introduced_with_it() -> None:
    text = (
        "Harbour spokesman Idris Vale met the press. The mayor of Elmsford, Tomas Hale, spoke "
        "next. Nadia Brook, a geologist at the university, disagreed. Its chairman, Olaf Grim, "
        "left early. Republican nominee Dan Ferris and Democratic nominee Alma Ruiz debated. "
        "Former Governor Ruth Adler watched. Secretary of State Lena Park arrived."
    )
    found = titles(
        text,
        _people(
            text,
            [
                "Idris Vale",
                "Tomas Hale",
                "Nadia Brook",
                "Olaf Grim",
                "Dan Ferris",
                "Alma Ruiz",
                "Ruth Adler",
                "Lena Park",
            ],
        ),
    )
    end = len(text)
    assert title_holder(found, "the spokesman", end) == "Idris Vale"
    assert title_holder(found, "The mayor", end) == "Tomas Hale"
    assert title_holder(found, "the geologist", end) == "Nadia Brook"
    assert title_holder(found, "its chairman", end) == "Olaf Grim"
    assert title_holder(found, "the harbour's spokesman", end) == "Idris Vale"
    assert title_holder(found, "the airport's spokesman", end) is None
    # qualifiers must agree: the Democratic nominee is not the Republican one
    assert title_holder(found, "the Republican nominee", end) == "Dan Ferris"
    assert title_holder(found, "the Democratic nominee", end) == "Alma Ruiz"
    assert title_holder(found, "the Green nominee", end) is None
    # a former governor is not "the governor"; "Secretary of State" makes no "state" title
    assert title_holder(found, "the former governor", end) == "Ruth Adler"
    assert title_holder(found, "the governor", end) is None
    assert title_holder(found, "the state", end) is None
    # indefinite or plural phrases introduce or gather people: no one in particular
    assert title_holder(found, "a spokesman", end) is None
    assert title_holder(found, "the nominees", end) is None
    # only titles given before the phrase count
    assert title_holder(found, "the spokesman", text.index("Idris")) is None


def _mentions(text: str) -> list[tuple[str, str | None, str | None]]:
    """(quoted or reported text, source phrase, speaker name) of every mention."""
    from newsfuse.analysis.entity_nlp import process
    from newsfuse.analysis.quote_finder import find_mentions

    found = find_mentions(text, process([text])[0])
    return [
        (m.text, m.source.text if m.source else None, m.source.name if m.source else None)
        for m in found
    ]


def _speaker_of(text: str, fragment: str) -> str | None:
    hits = [name for said, _, name in _mentions(text) if fragment in said]
    assert len(hits) == 1, _mentions(text)
    return hits[0]


@pytest.mark.slow
def test_the_name_in_apposition_speaks_not_the_place_in_the_title() -> None:
    text = (
        "The mayor of Port Ford, Tomas Hale, said the sirens had saved the town. "
        "“Without them we would be counting the dead,” he said."
    )
    assert _speaker_of(text, "sirens had saved") == "Tomas Hale"
    assert _speaker_of(text, "counting the dead") == "Tomas Hale"  # he -> the apposition


@pytest.mark.slow
def test_a_name_in_a_relative_clause_only_describes_the_speaker() -> None:
    text = (
        "The Harwick Water Board, which runs the Mellor reservoir, said that its last "
        "inspection had found no structural problems."
    )
    assert _speaker_of(text, "structural problems") == "The Harwick Water Board"


@pytest.mark.slow
def test_a_definite_title_is_the_person_introduced_with_it() -> None:
    text = (
        "Transport Minister Ilona Brandt opened the new line on Monday.\n\n"
        "“Trains will run every ten minutes from June,” the minister told reporters."
    )
    assert _speaker_of(text, "every ten minutes") == "Ilona Brandt"


@pytest.mark.slow
def test_nothing_and_no_one_are_not_speakers() -> None:
    text = (
        "Engineers inspected the dam last month and found nothing to suggest it was at risk. "
        "No official said the gates would stay closed."
    )
    assert all(source not in ("nothing", "No official") for _, source, _ in _mentions(text))
    assert not any("at risk" in said for said, _, _ in _mentions(text))


@pytest.mark.slow
def test_an_inverted_attribution_is_not_the_previous_speakers() -> None:
    text = (
        "The port authority speaks of “around 2,000 strikers”. Ships wait in the bay.\n\n"
        "«We do not ask for the moon», has declared the president of the union, Marta Solis, "
        "in front of the strikers."
    )
    assert _speaker_of(text, "ask for the moon") == "Marta Solis"
    # the speaker's own words are never the source of a reported clause
    assert all(source not in ("We", "we") for _, source, _ in _mentions(text))


@pytest.mark.slow
def test_she_is_the_speaker_just_named_whatever_the_ner_label() -> None:
    from newsfuse.analysis.entity_nlp import process
    from newsfuse.analysis.quote_context import ArticleContext
    from newsfuse.analysis.quote_finder import find_mentions

    text = (
        "In a letter to staff, Okonkwo, 61, said she could not stay on as chief executive. "
        "“I take full responsibility for what our customers went through,” she wrote."
    )
    segments = process([text])[0]
    labels = {n.text: n.label for n in ArticleContext(text, segments).names}
    mentions = find_mentions(text, segments)
    wrote = [m for m in mentions if "full responsibility" in m.text]
    assert len(wrote) == 1 and wrote[0].source is not None
    assert wrote[0].source.text == "she"
    # a person label gives the antecedent directly; any other comes from the letter's speaker
    assert wrote[0].source.name == "Okonkwo", labels


@pytest.mark.slow
def test_speakers_reach_the_story_quotes() -> None:
    from newsfuse.analysis.entities import extract_entities
    from newsfuse.analysis.quotes import extract_quotes
    from newsfuse.model import Article

    text = (
        "Kremlin spokesman Dmitri Volkov said the leaders first met with their delegations. "
        "After the talks, the president hosted a lunch, according to the spokesman."
    )
    articles = [Article(id="a0", origin="test", source="s0", text=text)]
    quotes = extract_quotes(articles, extract_entities(articles))
    lunch = [q for q in quotes if "hosted a lunch" in q.text]
    assert [q.speaker for q in lunch] == ["Dmitri Volkov"]
