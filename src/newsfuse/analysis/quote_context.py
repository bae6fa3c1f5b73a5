"""What attribution needs to know about one article: quotes, sentences, names, sources."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from newsfuse.analysis.entity_nlp import Segment, paragraph_spans
from newsfuse.analysis.quote_cues import CUE_FORMS, WEAK_CUES
from newsfuse.analysis.quote_marks import find_quotes
from newsfuse.analysis.quote_roles import title_holder, titles
from newsfuse.analysis.quote_source import (
    COLLECTIVE,
    FIRST_PERSON,
    PERSONAL,
    NameMention,
    Source,
    antecedent,
    name_in,
    phrase,
    subject_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_SENTENCE_END = re.compile(r"[.!?][”\"’']?\s+(?=[“\"‘A-Z])")
_NAME_LABELS = ("PERSON", "ORG", "GPE", "NORP")
_APPOSED = re.compile(r"(?:\s+[\w'’-]+){0,3}?(?:\s+(?:of|for|at)\s+[^,;.!?\n“”\"«»]{1,50})?,\s+")


@dataclass(slots=True)
class QuoteMention:
    start: int  # quoted (or reported) content, article offsets
    end: int
    text: str
    direct: bool
    cue: str | None = None
    cue_start: int = -1
    cue_end: int = -1
    source: Source | None = None

    def attribute(self, cue: tuple[int, int], source: Source, text: str) -> None:
        self.cue, self.cue_start, self.cue_end = text[cue[0] : cue[1]], cue[0], cue[1]
        self.source = source


@lru_cache(maxsize=32)
def _names_pattern(people: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(people, key=len, reverse=True))
    return re.compile(rf"(?<![\w’'-])(?:{alternatives})(?![\w-])")


def is_cue(token: Token, weak_ok: bool) -> bool:
    word = token.lower_
    if word == "according":
        return any(c.lower_ == "to" for c in token.children)
    if word not in CUE_FORMS or token.pos_ not in ("VERB", "AUX"):
        return False
    return weak_ok or word not in WEAK_CUES


def sents_of(para: Segment, lo: int, hi: int) -> list[Span]:
    """Sentences of a parsed segment overlapping doc characters lo..hi."""
    return [s for s in para.doc.sents if s.start_char < hi and s.end_char > lo]


class ArticleContext:
    """`people`: names the story's entities know as persons, to find pronoun referents that
    the NER model missed or mislabelled in this sentence."""

    def __init__(self, text: str, segments: list[Segment], people: Collection[str] = ()) -> None:
        self.text = text
        self.segments = segments
        self._segment_starts = [s.start for s in segments]
        self.quotes = [q for lo, hi in paragraph_spans(text) for q in find_quotes(text, lo, hi)]
        self._quote_starts = [q.open for q in self.quotes]
        self.sentences = self._sentences()
        self.names = self._names(frozenset(people))
        self.titles = titles(text, self.names)

    def segment_at(self, offset: int) -> Segment | None:
        k = bisect_right(self._segment_starts, offset) - 1
        return self.segments[k] if k >= 0 and offset < self.segments[k].end else None

    def inside_quote(self, offset: int) -> bool:
        k = bisect_right(self._quote_starts, offset) - 1
        return k >= 0 and self.quotes[k].open <= offset <= self.quotes[k].close

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect_right(self.sentences, offset) - 1)

    def _sentences(self) -> list[int]:
        starts: list[int] = []
        for para in self.segments:
            starts.append(para.start)  # segments start at sentence starts
            if para.parsed:
                starts.extend(para.start + s.start_char for s in para.doc.sents)
            else:
                starts.extend(para.start + m.end() for m in _SENTENCE_END.finditer(para.doc.text))
        return sorted(set(starts))

    def _is_subject(self, start: int, end: int) -> bool:
        para = self.segment_at(start)
        if para is None or not para.parsed:
            return False
        span = para.doc.char_span(start - para.start, end - para.start, alignment_mode="expand")
        subjects = ("nsubj", "nsubjpass")
        # "The mayor of Pellow Ford, Corin Asheby, said": the apposition is the subject too
        return span is not None and any(
            t.dep_ in subjects or (t.dep_ == "appos" and t.head.dep_ in subjects) for t in span
        )

    def _names(self, people: frozenset[str]) -> list[NameMention]:
        spans: dict[int, tuple[int, str, str]] = {}
        for para in self.segments:
            for ent in para.doc.ents:
                label = "PERSON" if ent.text in people else ent.label_
                spans[para.start + ent.start_char] = (para.start + ent.end_char, ent.text, label)
        if people:
            covered = sorted((s, e) for s, (e, _, _) in spans.items())
            for hit in _names_pattern(people).finditer(self.text):
                k = bisect_right(covered, (hit.start(), len(self.text))) - 1
                if k < 0 or covered[k][1] <= hit.start():
                    spans[hit.start()] = (hit.end(), hit.group(), "PERSON")
        return [
            NameMention(
                start, end, name, label, self.sentence_index(start), self._is_subject(start, end)
            )
            for start, (end, name, label) in sorted(spans.items())
            if not self.inside_quote(start)
        ]

    def _pronoun(self, start: int, end: int, word: str) -> Source | None:
        if word in FIRST_PERSON:
            return Source(start, end, self.text[start:end], None, True)
        if word in PERSONAL or word in COLLECTIVE:
            ref = antecedent(self.names, start, self.sentence_index(start), word in PERSONAL)
            return Source(start, end, self.text[start:end], ref.text if ref else None, True)
        return None

    def source_of(self, para: Segment, verb: Token, exclude: tuple[int, int]) -> Source | None:
        """The source a cue verb attributes to, or None when it has no subject."""
        subj = subject_of(verb)
        if subj is None or exclude[0] <= subj.idx < exclude[1]:
            return None  # no subject, or one inside the quote: not this verb's quote
        if self.inside_quote(para.start + subj.idx):
            return None  # «We ask …», has declared X: a word of a quotation speaks for no one
        lo, hi = phrase(subj, exclude)
        start, end = para.start + lo, para.start + hi
        pronoun = self._pronoun(start, end, subj.lower_) if subj.tag_ == "PRP" else None
        if pronoun is not None:
            return pronoun
        text = self.text[start:end]
        name = name_in(subj, lo, hi) or title_holder(self.titles, text, start)
        return Source(start, end, text, name, False)

    def source_at(self, start: int, end: int) -> Source:
        """A source phrase found by surface pattern: a pronoun, or named by an entity in it."""
        words = self.text[start:end].split()
        if len(words) == 1 and (words[0] == "I" or not words[0].isupper()):
            pronoun = self._pronoun(start, end, words[0].lower())
            if pronoun is not None:
                return pronoun
        inside = [n for n in self.names if start <= n.start and n.end <= end]
        name = next((n.text for label in _NAME_LABELS for n in inside if n.label == label), None)
        if name is None:
            start, end, name = self._apposition(start, end)
        text = self.text[start:end]
        return Source(start, end, text, name or title_holder(self.titles, text, start), False)

    def _apposition(self, start: int, end: int) -> tuple[int, int, str | None]:
        """ "has declared the secretary general of the union, Marisol Quaye,": a person
        named in apposition right after a title phrase found by a surface pattern."""
        tail = _APPOSED.match(self.text, end, end + 80)
        if tail is None:
            return start, end, None
        for n in self.names:
            if n.start == tail.end() and n.label == "PERSON":
                return start, n.end, n.text
        return start, end, None
