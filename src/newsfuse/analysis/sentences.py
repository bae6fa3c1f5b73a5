"""Sentences with exact offsets: the unit of claims, facts, dates and provenance.

Evidence must point back into the cleaned text (`Span.text == text[start:end]`), so the
splitter never rewrites anything: it only finds boundaries. A regex splitter is used rather
than a parser because analysis runs on every story and boundaries in news prose are regular
(abbreviations aside); headings and datelines survive as their own "sentences" without final
punctuation, which `is_claim` then keeps out of fact alignment.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from newsfuse.model import Article, Span

_PARA = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘(\[]?[A-Z0-9])")
_ABBREV = frozenset(
    re.findall(
        r"\S+",
        "mr mrs ms dr prof sen rep gov gen col lt st jr sr inc corp co ltd vs no mt ft "
        "sgt capt adm rev u.s u.n u.k e.u a.m p.m jan feb mar apr jun jul aug sept sep "
        "oct nov dec st ave blvd dept est fig approx",
    )
)
_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_TERMINAL = re.compile(r"[.!?][”\"’')\]]*$")
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{3,})[”\"]")
_SUBORDINATOR = (
    r"(?:and|but|as|after|while|whereas|although|though|because|since|before|when|which|"
    r"where|following|amid|saying|adding|despite|so|yet|who|with)"
)
_CLAUSE_CUT = re.compile(rf",\s+(?={_SUBORDINATOR}\b)|;\s+")
_FRONTED = re.compile(rf"(?:{_SUBORDINATOR}|during|at|in|on|if|once|until)\b", re.IGNORECASE)
_COMMA = re.compile(r",\s+")
MIN_CLAUSE_WORDS = 5
_ATTRIBUTION = re.compile(r"(?:according to|as reported by|citing)\b[^,]*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentence:
    article: str
    index: int  # position in its article
    start: int
    end: int
    text: str

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))

    @property
    def is_claim(self) -> bool:
        """A full sentence that states something; headings, datelines and widgets do not."""
        return self.words >= 6 and bool(_TERMINAL.search(self.text))

    def span(self) -> Span:
        return Span(self.article, self.start, self.end, self.text)


def _is_abbreviation(text: str, dot: int) -> bool:
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(article: Article) -> list[Sentence]:
    """Every sentence of the article, in order, trimmed of surrounding whitespace."""
    return list(_split(article.id, article.text))


@lru_cache(maxsize=1024)
def _split(article_id: str, text: str) -> tuple[Sentence, ...]:
    """Cached: every analysis step reads the same sentences of the same articles."""
    found: list[Sentence] = []
    for para in _PARA.finditer(text):
        cut = para.start()
        bounds: list[tuple[int, int]] = []
        for m in _BOUNDARY.finditer(text, para.start(), para.end()):
            if text[m.start()] == "." and _is_abbreviation(text, m.start()):
                continue
            bounds.append((cut, m.end()))
            cut = m.end()
        bounds.append((cut, para.end()))
        for start, end in bounds:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                found.append(Sentence(article_id, len(found), start, end, text[start:end]))
    return tuple(found)


def clauses(sentence: Sentence) -> list[Sentence]:
    """The sentence cut into clauses, each at least MIN_CLAUSE_WORDS words, never in a quote.

    Cuts fall before a comma-led conjunction or subordinator (", after", ", which"), at
    semicolons, and after a fronted adverbial ("After the talks, ..."). Long news sentences
    pack several facts ("met at X, after North Korea failed twice to ..."); aligning clauses
    lets each fact find its counterparts in other sources. Clauses keep the sentence's index.
    """
    text = sentence.text
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]

    def free(i: int) -> bool:
        return not any(s < i < e for s, e in quoted)

    cuts = [0]
    for m in _CLAUSE_CUT.finditer(text):
        serial = m.group(0).startswith(",") and text[m.end() : m.end() + 3] in ("and", "or ")
        if serial and "," in text[cuts[-1] : m.start()]:
            continue  # "A, B, and C" is a list, not two clauses
        if free(m.start()):
            cuts.append(m.end())
    cuts.append(len(text))
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(cuts):
        comma = _COMMA.search(text, a, b) if a == 0 and _FRONTED.match(text) else None
        if comma and free(comma.start()) and len(_WORD.findall(text[a : comma.start()])) >= 3:
            pieces += [(a, comma.start()), (comma.end(), b)]
        else:
            pieces.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        if merged and _ATTRIBUTION.match(text[slice(*merged[-1])].strip(" ,;")):
            merged[-1] = (merged[-1][0], b)  # "According to state media, ..." stays whole
        elif merged and len(_WORD.findall(text[a:b])) < MIN_CLAUSE_WORDS:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    if len(merged) > 1 and len(_WORD.findall(text[slice(*merged[0])])) < MIN_CLAUSE_WORDS:
        merged[:2] = [(merged[0][0], merged[1][1])]
    out = []
    for a, b in merged:
        while a < b and text[a] in " ,;":
            a += 1
        while b > a and text[b - 1] in " ,;":
            b -= 1
        out.append(
            Sentence(
                sentence.article, sentence.index, sentence.start + a, sentence.start + b, text[a:b]
            )
        )
    return out


def words(text: str) -> list[str]:
    """Lower-cased word tokens, the currency of every lexical comparison here."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def without_quotes(text: str) -> str:
    """The text with quoted speech blanked: sources quoting one speaker have not copied."""
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)
