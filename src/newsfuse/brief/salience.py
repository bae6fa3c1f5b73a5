"""How much a candidate sentence belongs in its story's summary: a learned salience model.

The summary used to add up hand-set bonuses (centrality, support, shared wording, lead
position). Their balance decides what gets picked, and hand-set weights drift towards
whatever sample they were checked on. Here a logistic regression weighs the same signals,
fitted by eval/train_summary.py on NeuS stories (three outlets' leads each, with the
editors' neutral summary): a sentence is labelled by whether a greedy ROUGE oracle picks
it for the editors' summary. Rows the evaluation scores, and every NeuS story that also
appears in the AllSides set, are left out of the fit, so both evaluations stay held out.

Every feature is cheap, bounded and means the same on any corpus: cosines, shares of
sources, shares of words, the sentence's rank among its article's usable sentences (not
its relative position, which means "the lead" in a three-sentence lead and "the middle"
in a long article) and its length. The weights live in salience_model.json, one set per
encoder because their cosine scales differ; the file holds numbers only, no text.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from newsfuse.brief.candidates import Candidate
from newsfuse.brief.support import terms
from newsfuse.errors import NewsfuseError

MODEL_FILE = "salience_model.json"
FEATURES = (
    "centrality",  # cosine to what the other articles say
    "centrality_gap",  # how far below the story's most central sentence
    "support",  # share of the other independent sources that report it
    "wording",  # share of the other sources that use its content words
    "lexical",  # mean TF-IDF cosine to the other articles' sentences
    "title",  # share of its content words that the members' headlines use
    "first",  # its article's first usable sentence
    "rank",  # log(1 + rank among its article's usable sentences)
    "words",  # log of its word count
    "dangling",  # opens with a pronoun or connective ("He said", "However,")
    "overlong",  # past 250 characters, rising to 1 at the 450-character limit
    "quote",  # carries a direct quotation
)


class SalienceModelError(NewsfuseError):
    """The salience weights file is missing, unreadable or does not fit the features."""


@dataclass(frozen=True, slots=True)
class SalienceModel:
    weights: dict[str, tuple[float, ...]]  # encoder -> one weight per feature, intercept last

    def probability(self, x: np.ndarray, encoder: str) -> np.ndarray:
        """P(the editors' summary would use the sentence), per row of a feature matrix."""
        w = self.weights.get(encoder)
        if w is None:  # cosine scales differ: another encoder's weights would mislead
            raise SalienceModelError(f"no salience weights for the {encoder} encoder")
        z = x.astype(np.float64) @ np.asarray(w[:-1]) + w[-1]
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def parse_model(text: str, where: str) -> SalienceModel:
    """Read a weights file's text; every way it can be wrong is one clear error."""
    try:
        data = json.loads(text)
        names = tuple(data["names"])
        weights = {
            str(enc): tuple(float(v) for v in values) for enc, values in data["weights"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise SalienceModelError(f"{where}: not a salience weights file ({e})") from None
    if names != FEATURES:
        raise SalienceModelError(
            f"{where}: written for features {list(names)}, this version computes "
            f"{list(FEATURES)}; rerun eval/train_summary.py"
        )
    if not weights:
        raise SalienceModelError(f"{where}: no weights")
    for enc, values in weights.items():
        if len(values) != len(FEATURES) + 1 or not all(math.isfinite(v) for v in values):
            raise SalienceModelError(
                f"{where}: {enc} needs {len(FEATURES) + 1} finite weights, has {len(values)}"
            )
    return SalienceModel(weights)


def load_model(path: Path | None = None) -> SalienceModel:
    """The weights at `path`, or the ones shipped with newsfuse (read once per process)."""
    if path is None:
        return _shipped()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SalienceModelError(f"{path}: cannot read salience weights ({e})") from None
    return parse_model(text, str(path))


@lru_cache(maxsize=1)
def _shipped() -> SalienceModel:
    where = f"newsfuse/brief/{MODEL_FILE}"
    try:
        text = resources.files("newsfuse.brief").joinpath(MODEL_FILE).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SalienceModelError(f"{where}: cannot read salience weights ({e})") from None
    return parse_model(text, where)


_QUOTE = re.compile(r"[\"“”]")


def features(
    pool: Sequence[Candidate],
    owners: list[str],
    centrality: np.ndarray,
    support: np.ndarray,
    wording: np.ndarray,
    titles: Sequence[str],
) -> np.ndarray:
    """The feature matrix (len(pool), len(FEATURES)). `owners` names each sentence's
    independent source (a near-copy under its original's name); `titles` are the members'
    headlines."""
    if not pool:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    headline = set().union(*(terms(t) for t in titles)) if titles else set()
    bags = [terms(c.text) for c in pool]
    columns = [
        centrality,
        centrality - centrality.max(),
        support,
        wording,
        lexical_centrality([c.text for c in pool], owners),
        [len(b & headline) / len(b) if b else 0.0 for b in bags],
        [c.rank == 0 for c in pool],
        [math.log1p(c.rank) for c in pool],
        [math.log(max(len(c.text.split()), 1)) for c in pool],
        [c.dangling for c in pool],
        [c.overlong for c in pool],
        [_QUOTE.search(c.text) is not None for c in pool],
    ]
    return np.stack([np.asarray(col, dtype=np.float32) for col in columns], axis=1)


def lexical_centrality(texts: list[str], owners: list[str]) -> np.ndarray:
    """Mean TF-IDF cosine of each sentence to the other sources' sentences (to the rest of
    its own article when the story has one source): LexRank's degree, in linear time.

    The word-level twin of the embedding centrality; TextRank ranks by much the same.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        tfidf = TfidfVectorizer(stop_words="english", dtype=np.float32).fit_transform(texts)
    except ValueError:  # nothing but stop words
        return np.zeros(len(texts), dtype=np.float32)
    ids = np.unique(owners, return_inverse=True)[1]
    total = np.asarray(tfidf.sum(axis=0)).ravel()
    if ids.max() == 0:  # one source: leave-one-out over its own sentences
        own = np.asarray(tfidf @ total).ravel() - 1.0  # rows are unit vectors (or empty)
        own[tfidf.getnnz(axis=1) == 0] = 0.0
        return (own / max(len(texts) - 1, 1)).astype(np.float32)
    out = np.zeros(len(texts), dtype=np.float32)
    for k in range(ids.max() + 1):
        rows = np.flatnonzero(ids == k)
        rest = total - np.asarray(tfidf[rows].sum(axis=0)).ravel()
        out[rows] = np.asarray(tfidf[rows] @ rest).ravel() / max(len(texts) - len(rows), 1)
    return out
