"""split_sentences(): character offsets of sentences, for highlighting and summaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsfuse.clean import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Putin met Mr. Kim on Sept. 13 at 10 a.m. local time. They talked for hours."
    assert sentences(text) == [
        "Mr. Putin met Mr. Kim on Sept. 13 at 10 a.m. local time.",
        "They talked for hours.",
    ]


def test_initials_and_initialisms() -> None:
    text = (
        "John F. Kennedy visited the U.S. Navy base. U.S. officials said so. "
        "He left the U.S. The end."
    )
    assert sentences(text) == [
        "John F. Kennedy visited the U.S. Navy base.",
        "U.S. officials said so.",
        "He left the U.S.",
        "The end.",
    ]


def test_quotes_close_sentences_and_speech_tags_continue_them() -> None:
    text = (
        "He said, “Russia is fighting.” The Kremlin agreed. “Stop!” he shouted. 'Why?' she asked."
    )
    assert sentences(text) == [
        "He said, “Russia is fighting.”",
        "The Kremlin agreed.",
        "“Stop!” he shouted.",
        "'Why?' she asked.",
    ]


def test_newline_is_a_paragraph_break() -> None:
    text = "A headline without a period\n\nFirst sentence. Second one?\nThird!"
    assert sentences(text) == [
        "A headline without a period",
        "First sentence.",
        "Second one?",
        "Third!",
    ]


def test_numbers_ellipses_and_lowercase_continuations() -> None:
    text = "Prices rose 3.5 percent... Then they fell. The No. 5 seed won. It was e.g. fine."
    assert sentences(text) == [
        "Prices rose 3.5 percent...",
        "Then they fell.",
        "The No. 5 seed won.",
        "It was e.g. fine.",
    ]


def test_offsets_point_into_the_original_text() -> None:
    text = "  First one.   Second one.\n\n  Third one.  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one.", "Third one."]
    assert spans[0][0] == 2


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


@given(st.text(alphabet=st.sampled_from(list("Ab. ?!\n“”'3")), max_size=80))
def test_spans_are_ordered_disjoint_stripped_and_single_line(text: str) -> None:
    spans = split_sentences(text)
    last_end = 0
    for start, end in spans:
        assert last_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and "\n" not in piece
        last_end = end
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())  # no text is lost
