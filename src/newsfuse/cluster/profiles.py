"""What the clusterer knows about each article: words, meaning, names and day.

Every view is built once per run over the whole input, because the weights of words and
names (IDF) depend on the corpus: "rehab" is common among celebrity news, "Lohan" is not.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from newsfuse.cluster import entities
from newsfuse.embed.encoder import get_encoder
from newsfuse.model import Article, filed_date
from newsfuse.settings import Settings

TEXT_CHARS = 2000  # title + lead: where reports say which event they are about


@dataclass(slots=True)
class Profiles:
    ids: list[str]
    words: sparse.csr_matrix  # TF-IDF rows, L2-normalised
    meaning: np.ndarray  # sentence embeddings, L2-normalised
    names: sparse.csr_matrix  # IDF-weighted name sets, L2-normalised
    name_keys: list[dict[str, str]]  # per article: folded name -> shown form
    name_idf: dict[str, float]
    days: np.ndarray  # proleptic ordinal of the publication day, NaN when unknown
    # sqrt(IDF) on each word / name a text has, unnormalised: row i . row j is the IDF mass two
    # texts share and row i . row i the mass of one (pairs.overlap).
    word_marks: sparse.csr_matrix
    name_marks: sparse.csr_matrix


def day_of(published: str | None) -> float:
    """The calendar day only: hours would tell apart reports a real stream mixes freely."""
    if not published:
        return math.nan
    try:
        return float(date.fromisoformat(published[:10]).toordinal())
    except ValueError:
        return math.nan


def text_of(article: Article) -> str:
    title = (article.title or "").strip()
    body = article.text[:TEXT_CHARS]
    return f"{title}\n{body}" if title and not body.startswith(title) else body


def _marks(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """sqrt(IDF) where a row has the term: the weights of an IDF-weighted set overlap."""
    marks = matrix.astype(np.float32, copy=True)
    marks.data = np.sqrt(idf[marks.indices]).astype(np.float32)
    return marks


def keyed_names(texts: Sequence[str], method: str = "cheap") -> list[dict[str, str]]:
    """Per text: the folded key of each name it mentions -> the form first written."""
    keyed: list[dict[str, str]] = []
    for found in entities.extract(texts, method):
        shown: dict[str, str] = {}
        for name in found:
            shown.setdefault(entities.fold(name), name)
        keyed.append(shown)
    return keyed


NameViews = tuple[sparse.csr_matrix, list[dict[str, str]], dict[str, float], sparse.csr_matrix]


def _name_views(texts: list[str], method: str) -> NameViews:
    return _name_matrix(keyed_names(texts, method))


def _name_matrix(keyed: list[dict[str, str]]) -> NameViews:
    df = Counter(k for names in keyed for k in names)
    n = max(len(keyed), 1)
    idf = {k: math.log((1 + n) / (1 + c)) + 1.0 for k, c in df.items()}
    vocab = {k: i for i, k in enumerate(sorted(df))}
    rows, cols, vals = [], [], []
    for r, names in enumerate(keyed):
        for k in names:
            rows.append(r)
            cols.append(vocab[k])
            vals.append(idf[k])
    # One empty column when no text names anything: a matrix of no columns cannot normalise.
    matrix = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(keyed), max(len(vocab), 1))
    )
    column_idf = np.array([idf[k] for k in sorted(df)] or [1.0], dtype=np.float64)
    return normalize(matrix), keyed, idf, _marks(matrix.tocsr(), column_idf)


def _word_view(texts: Sequence[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    try:
        words = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # only stop words or no words at all
        empty = sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        return empty, empty
    return words, _marks(words, vectorizer.idf_)


def _meaning_view(
    texts: list[str], settings: Settings, raw: np.ndarray | None = None
) -> np.ndarray:
    if raw is None:
        raw = get_encoder(settings.encoder, settings.cache_dir).encode(texts)
    vectors = raw
    if settings.encoder == "model2vec" and len(texts) > 1:
        # Static embeddings share one large common direction; without it cosines spread out.
        vectors = vectors - vectors.mean(axis=0, keepdims=True)
        vectors = normalize(vectors).astype(np.float32)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def build(
    articles: list[Article],
    settings: Settings,
    names: str = "cheap",
    vectors: Mapping[str, np.ndarray] | None = None,
) -> Profiles:
    """`vectors`: raw encoder output of text_of(article) by id, stored by incremental ingest."""
    texts = [text_of(a) for a in articles]
    raw = None
    if vectors is not None and articles and all(a.id in vectors for a in articles):
        raw = np.stack([vectors[a.id] for a in articles]).astype(np.float32)
    name_matrix, keyed, idf, name_marks = _name_views(texts, names)
    words, word_marks = _word_view(texts)
    return Profiles(
        ids=[a.id for a in articles],
        words=words,
        meaning=_meaning_view(texts, settings, raw),
        names=name_matrix,
        name_keys=keyed,
        name_idf=idf,
        days=np.array([day_of(filed_date(a)) for a in articles], dtype=np.float64),
        word_marks=word_marks,
        name_marks=name_marks,
    )


def assemble(
    ids: list[str],
    words: Sequence[str],
    keyed: list[dict[str, str]],
    raw: np.ndarray,
    days: np.ndarray,
    settings: Settings,
) -> Profiles:
    """The Profiles build() makes, from views computed elsewhere a block at a time (the
    streaming engine, which never holds every text): `words` has, per article, a text that
    tokenises to the same TF-IDF terms as text_of(article) (read once, in order), `keyed` is
    keyed_names(text_of(...)), `raw` the encoder's vectors and `days` day_of(published)."""
    name_matrix, keyed, idf, name_marks = _name_matrix(keyed)
    word_matrix, word_marks = _word_view(words)
    return Profiles(
        ids=ids,
        words=word_matrix,
        meaning=_meaning_view(ids, settings, raw),  # only the count of texts is read
        names=name_matrix,
        name_keys=keyed,
        name_idf=idf,
        days=days,
        word_marks=word_marks,
        name_marks=name_marks,
    )
