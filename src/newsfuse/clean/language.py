"""The language of an article, as an ISO 639-1 code.

lingua, restricted to common news languages: all 75 would take ~1.3 GB and confuse close
relatives on short text. The detector is built once per process, on first use, and reads
only the opening of the article: a couple of hundred characters decide the language as
well as the whole text does. Even so lingua costs ~0.2 ms an article, the largest part of
cleaning plain text, so text that is plainly English (a fifth of its words English
function words, "the" among them, a test no other language passes) skips it. That test
reads a longer opening (ENGLISH_SAMPLE_CHARS) than lingua does: short paragraphs of names and
numbers ("President-elect Donald Trump on Wednesday nominated...") often hold too few
function words in 240 characters, and a word count is far cheaper than a lingua call.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# en fr de es it pt nl ru pl tr ar zh: each language added costs time on every article.
LANGUAGES = (
    "ENGLISH", "FRENCH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH", "RUSSIAN",
    "POLISH", "TURKISH", "ARABIC", "CHINESE",
)  # fmt: skip
MIN_LETTERS = 20  # below this no detector is reliable
SAMPLE_CHARS = 240
ENGLISH_SAMPLE_CHARS = 800
_ENGLISH = _words(
    """the of and to in is was that for on with as by at from his her their they said has
    have had were are be been which who but not this it an will would its after about"""
)
# Common English words that are not words of the other languages detected.
_ONLY_ENGLISH = _words("the and with that which who their they would been have has said were")
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detector() -> Any:
    with _LOCK:  # build once even when several threads ask first
        return _detector()


def plainly_english(sample: str) -> bool:
    """A fifth of the words English function words, and "the" or two words no other
    language in LANGUAGES uses ("and", "with", "which"...): a headline-style opening
    ("U.S. President Joe Biden and his Chinese counterpart...") may lack "the"."""
    words = sample.lower().split()
    if len(words) < 20:
        return False
    if sum(1 for w in words if w in _ENGLISH) < 0.2 * len(words):
        return False
    return "the" in words or len(_ONLY_ENGLISH.intersection(words)) >= 2


def detect_language(text: str) -> str | None:
    """ISO 639-1 code ("en"), or None for text too short (or too odd) to tell."""
    sample = text[:SAMPLE_CHARS]
    if len(sample) < 4 * MIN_LETTERS and sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    if plainly_english(text[:ENGLISH_SAMPLE_CHARS]):
        return "en"
    found = detector().detect_language_of(sample)
    return None if found is None else str(found.iso_code_639_1.name).lower()
