"""Timeline events: the words shown for each, and which dated sentences tell the same one.

A timeline shows one whole sentence a reader can take alone for each event.

A clause cut out of a sentence ("At the end of a meeting on Wednesday", "who spent most of
Sunday on the roof") reads as a fragment, so the timeline shows the whole sentence, less what
is not the event: a wire dateline ("SALTMERE, Veradia (CNW) - "), and the next sentence where
the splitter missed a boundary before a guillemet or a single quote ("... this Monday. «We
will ...»"). A sentence that opens inside a quotation started in an earlier sentence is shown
from where the quotation opens. What is left must say who did what: a quotation attributed
only to "he" or "she" is no event a reader can place, and is skipped (Quotes shows it with its
speaker).
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from newsfuse.analysis.dates import DateExpression
from newsfuse.analysis.samefact import is_same_fact
from newsfuse.analysis.sentences import Sentence
from newsfuse.embed import Encoder
from newsfuse.model import TimelineEvent

_DATELINE = re.compile(  # "PELLOW FORD, Veradia (CNW) - ", "SALTMERE — ", "(CNW) - "
    r"^(?:[A-Z][A-Z.'’ -]{1,40}(?:,[^()\n—–]{0,30})?\s*(?:\([^()]{1,30}\))?"
    r"|\([A-Z][\w .-]{1,20}\))\s*[—–-]{1,2}\s+"
)
# A boundary the sentence splitter does not see: before «, ‹, „ or ' opening a new sentence.
_MISSED = re.compile(r"(?<=[.!?])[»”’\"']?\s+(?=[«‹„'‘][A-Z])")
_OPENING = "“«‹„‘"
_CLOSING = "”»›’"
_QUOTED = re.compile(r"[“«‹„\"][^“”«»‹›„\"]*[”»›\"]|(?<!\w)'[^']{3,}'(?!\w)")
_PRONOUN_SPEAKER = re.compile(
    r"^\W*(?:he|she|they|we|i|it)\s+(?:\w+\s+){0,2}?(?:said|says|told|added|asked|declared)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
MAX_BACK = 3  # sentences looked back for where a quotation opens


@dataclass(slots=True)
class DatedClause:
    """One date expression with the clause that says what happened then."""

    article: str
    date: str
    text: str
    expression: DateExpression
    clause: Sentence
    reliable: bool  # resolved against the article's own date, or absolute
    sentence_start: int = 0
    sentence_text: str = ""


def _opens_inside_quote(text: str) -> bool:
    """A closing quotation mark before any opening one: the quotation began earlier."""
    for ch in text:
        if ch in _OPENING:
            return False
        if ch in _CLOSING and ch != "’":  # ’ is mostly an apostrophe
            return True
    return text.count('"') % 2 == 1 and text.find('"') > 0 and not text.startswith('"')


def event_text(body: str, sentences: list[Sentence], k: int, at: int) -> str | None:
    """The readable text of the event whose date expression is at offset `at` of the article
    text `body`, in sentences[k]; None when it says no more than that someone unnamed spoke."""
    start, end = sentences[k].start, sentences[k].end
    if _opens_inside_quote(sentences[k].text):
        for back in range(k - 1, max(-1, k - 1 - MAX_BACK), -1):
            prev = sentences[back]
            if "\n" in body[prev.end : start]:  # the quotation opened in another paragraph
                break
            start = prev.start
            if any(ch in _OPENING for ch in prev.text) or prev.text.startswith('"'):
                break
    text = body[start:end]
    offset = at - start
    pieces = [0, *(m.end() for m in _MISSED.finditer(text)), len(text) + 1]
    for a, b in itertools.pairwise(pieces):
        if a <= offset < b:
            text = text[a:b].strip()
            break
    found = _DATELINE.match(text)
    if found and len(text) - found.end() > 20:
        text = text[found.end() :]
    outside = _QUOTED.sub(" ", text)
    quote_only = outside != text and len(_WORD.findall(outside)) < 12
    if quote_only and _PRONOUN_SPEAKER.match(outside.strip(" ,.")):
        return None  # “...,” she told local radio on Wednesday: Quotes has it, with her name
    return text[:1].upper() + text[1:] if text[:1].islower() else text


SAME_DAY_COSINE = 0.6  # two sentences dated the same day this close tell one event


def pair_score(encoder: Encoder, items: list[DatedClause]) -> np.ndarray:
    """Cosine of every pair of clause texts."""
    vectors = encoder.encode([d.clause.text for d in items])
    return np.asarray(vectors @ vectors.T)


def _event_score(encoder: Encoder, items: list[DatedClause]) -> np.ndarray:
    """How alike two dated sentences are: the closer of their clauses and their whole texts,
    since one source packs the event into a clause that another gives a sentence."""
    texts = encoder.encode([d.text for d in items])
    return np.maximum(pair_score(encoder, items), np.asarray(texts @ texts.T))


def _same_event(a: DatedClause, b: DatedClause, cosine: float, encoder: str) -> bool:
    if a.text == b.text or a.clause.text == b.clause.text:
        return True
    return cosine >= SAME_DAY_COSINE or is_same_fact(a.text, b.text, cosine, encoder)


def build_timeline(dated: list[DatedClause], encoder: Encoder) -> list[TimelineEvent]:
    """Events by date, one entry per event with every article that tells it.

    Items of one day join a group when they tell the same event as most of its members
    (a majority, not all: a lead sentence and its paraphrase both match the other wordings
    only loosely); each event is shown in its most typical wording, the medoid."""
    by_date: dict[str, list[DatedClause]] = defaultdict(list)
    for d in dated:
        by_date[d.date].append(d)
    events: list[TimelineEvent] = []
    for day in sorted(by_date):
        items = list({(d.article, d.text): d for d in by_date[day]}.values())
        cos = _event_score(encoder, items)
        same = np.array(
            [[_same_event(a, b, float(cos[i, j]), encoder.name) for j, b in enumerate(items)]
             for i, a in enumerate(items)]
        )  # fmt: skip
        groups: list[list[int]] = []
        for i in range(len(items)):
            best = max(
                (g for g in groups if 2 * sum(same[i, j] for j in g) > len(g)),
                key=lambda g: float(np.mean([cos[i, j] for j in g])),
                default=None,
            )
            if best is None:
                groups.append([i])
            else:
                best.append(i)
        for group in groups:
            # the most typical wording; between equals (two wordings), the fuller one
            shown = items[
                max(
                    group,
                    key=lambda i: (round(float(np.mean(cos[i, group])), 2), len(items[i].text)),
                )
            ]
            events.append(
                TimelineEvent(
                    date=day,
                    text=shown.text,
                    articles=list(dict.fromkeys(items[i].article for i in group)),
                    expression=shown.expression.text,
                )
            )
    events.sort(key=lambda e: (e.date, -len(e.articles)))
    return events
