"""Sentences of an article that could stand alone in a summary, and why others cannot.

A summary sentence is read out of its article, so it must make sense on its own: no
headlines or subheadings (they carry no verb and no full stop), no questions, no half
quotes cut by the splitter, no page furniture the cleaner missed. Sentences that lean on
what came before ("He said", "However,") are still allowed, because a story sometimes has
nothing better to offer; the salience model weighs that, and length, against the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsfuse.clean import split_sentences
from newsfuse.model import Article

MIN_WORDS = 6  # shorter lines are labels, bylines or fragments
MAX_CHARS = 450  # longer "sentences" are run-ons where the splitter lost its way
LONG_CHARS = 250  # past this a sentence gets hard to read

_END = re.compile(r"[.!][\"'”’)\]]*$")  # ends like a full sentence (not "?" or "…")
# "...", "…" or ",..." at the end: the scraper (or a paywall) cut the sentence off. Four dots are
# a full stop followed by the cut, so that sentence is whole.
_CUT_AFTER_STOP = re.compile(r"\.{4,}$")
_CUT = re.compile(r"(?:(?<![.])\.{3}|…|[,;:]\s*\.{3,})[\"'”’)\]]*$")
_DATELINE = re.compile(  # "SEOUL, Sept 13 (Reuters) - " / "MOSCOW (AP) — "
    r"^[A-Z][A-Z.'’ -]{1,40}(?:,[^()\n—–]{0,30})?\s*(?:\([^()]{1,30}\))?\s*[—–-]{1,2}\s+"
)
# "Kim Jong Un And Vladimir Putin : North Korean leader ...": a kicker or headline glued to
# the lead by the scraper. The space before the colon is the tell; "Putin said: ..." keeps.
_KICKER = re.compile(r"^[^:.!?\n]{3,80}?\s:\s+(?=[A-Z“\"‘'])")
_CLUTTER = re.compile(
    r"also read|read (?:more|also)\b|related (?:articles?|stories)|latest (?:articles|news)\b|"
    r"^advertisement\b|click here|sign up (?:now|for (?:our|free|the))|"
    r"(?:our|free|daily|weekly) newsletter|subscribe (?:now|to our)|"
    r"comment as|post a comment|leave a comment|no comments|comments? \(\d+\)|please enter|"
    r"follow us|share this (?:article|story|post)|stay connected|source site|"
    r"all rights reserved|©|(?:we use|accept) cookies|https?://|www\.|\S+@\S+\.[a-z]{2,}|"
    r"^(?:photo|image|video|watch|listen|credit)\s*:|file photo|getty images",
    re.IGNORECASE,
)
_DANGLING = re.compile(
    r"^(?:he|she|they|it|this|that|these|those|his|her|their|its|him|them|"
    r"however|but|and|also|meanwhile|moreover|furthermore|still|yet|so|instead|besides|"
    r"nevertheless|additionally|in addition|thus|therefore|then|later|such)\b",
    re.IGNORECASE,
)
_COUNTS = "two three four five six seven eight nine ten eleven twelve"  # "one" is mostly "one of"
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(_COUNTS.split(), 2)}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)


@dataclass(slots=True)
class Candidate:
    article: str
    index: int  # position among the article's sentences
    count: int  # sentences in the article, so positions compare across articles
    text: str
    numbers: frozenset[str] = frozenset()
    rank: int = 0  # among the article's candidates: 0 is the first usable sentence

    @property
    def position(self) -> float:
        return self.index / max(self.count, 1)

    @property
    def dangling(self) -> bool:
        """Leans on what came before ("He said", "However,")."""
        return _DANGLING.match(self.text) is not None

    @property
    def overlong(self) -> float:
        """0 up to LONG_CHARS, rising to 1 at MAX_CHARS."""
        return max(0, len(self.text) - LONG_CHARS) / (MAX_CHARS - LONG_CHARS)


def numbers(text: str) -> frozenset[str]:
    """Counts and figures, so "four hours" never vouches for "two hours"."""
    found = set()
    for m in _NUMBER.finditer(text):
        token = m.group(0).lower()
        found.add(_NUMBER_WORDS.get(token, token.replace(",", "")))
    return frozenset(found)


def sentences(text: str) -> list[str]:
    """Every sentence, whitespace collapsed (the splitter never joins paragraph lines)."""
    found = (" ".join(text[start:end].split()) for start, end in split_sentences(text))
    return [s for s in found if s]


def unfit(sentence: str) -> str | None:
    """Why a sentence cannot stand in a summary, or None when it can."""
    if len(sentence.split()) < MIN_WORDS:
        return "too short"
    if len(sentence) > MAX_CHARS:
        return "too long"
    if sentence.rstrip("\"'”’)] ").endswith("?"):
        return "question"
    if not _END.search(sentence):
        return "no full stop (headline, teaser or fragment)"
    if _CUT.search(sentence):
        return "cut off (ends in an ellipsis)"
    if not (sentence[0].isupper() or sentence[0].isdigit() or sentence[0] in "\"“‘'"):
        return "starts mid-sentence"
    if sentence.count('"') % 2 or sentence.count("“") != sentence.count("”"):
        return "part of a longer quote"
    if _CLUTTER.search(sentence):
        return "page clutter"
    letters = [c for c in sentence if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.5 * len(letters):
        return "all capitals"
    return None


def strip_dateline(sentence: str) -> str:
    """Drop a wire dateline ("MOSCOW (AP) — ") or a glued-on kicker: metadata, not the fact."""
    for pattern in (_DATELINE, _KICKER):
        m = pattern.match(sentence)
        if m and len(sentence) - m.end() > 20:
            sentence = sentence[m.end() :]
    return sentence


def candidates(article: Article, limit: int | None = None) -> list[Candidate]:
    """The first `limit` sentences of the article that may enter a summary, in reading order."""
    title = " ".join((article.title or "").split()).casefold()
    found = sentences(article.text)
    out: list[Candidate] = []
    for index, raw in enumerate(found):
        if limit is not None and len(out) >= limit:
            break
        sentence = _CUT_AFTER_STOP.sub(".", strip_dateline(raw))
        if unfit(sentence) or sentence.casefold() == title:
            continue
        out.append(Candidate(article.id, index, len(found), sentence, numbers(sentence), len(out)))
    return out
