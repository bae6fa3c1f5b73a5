"""Story clustering on real ECB+ articles (read from ../shared at run time, never copied).

Each ECB+ topic holds two real events of the same kind; clustering must keep them apart
better than plain TF-IDF similarity does.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from newsfuse.clean import clean
from newsfuse.cluster import cluster, linkage
from newsfuse.errors import InputError
from newsfuse.model import Article, RawDoc
from newsfuse.settings import Settings

ECB = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets" / "ecbplus-dev.jsonl"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ECB.exists(), reason="../shared datasets absent"),
]


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    joint = Counter((pred[a], gold[a]) for a in gold)
    size_p, size_g = Counter(pred[a] for a in gold), Counter(gold.values())
    precision = sum(joint[pred[a], gold[a]] / size_p[pred[a]] for a in gold) / len(gold)
    recall = sum(joint[pred[a], gold[a]] / size_g[gold[a]] for a in gold) / len(gold)
    return precision, 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def ecb_topics() -> tuple[list[Article], dict[str, str]]:
    settings = Settings()
    articles, gold = [], {}
    with ECB.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            row = json.loads(line)
            if int(row["topic"]) > 4:
                continue
            try:
                article = clean(RawDoc(f"ecb:{n}", text=row["text"], id=row["id"]), settings)
            except InputError:
                continue
            articles.append(article)
            gold[article.id] = row["event"]
    return articles, gold


def test_events_of_one_kind_are_kept_apart(
    ecb_topics: tuple[list[Article], dict[str, str]],
) -> None:
    articles, gold = ecb_topics
    stories = cluster(articles, Settings())
    pred = {a: s.id for s in stories for a in s.articles}
    precision, f1 = bcubed(pred, gold)

    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    groups = linkage.average_link((x @ x.T).toarray(), 0.8)
    plain = {articles[k].id: str(g) for g, members in enumerate(groups) for k in members}
    _, plain_f1 = bcubed(plain, gold)

    assert precision >= 0.9
    assert f1 > plain_f1 + 0.05
    events_per_story: dict[str, set[str]] = defaultdict(set)
    for a, s in pred.items():
        events_per_story[s].add(gold[a])
    mixed = sum(len(s.articles) for s in stories if len(events_per_story[s.id]) > 1)
    assert mixed <= len(articles) // 10
