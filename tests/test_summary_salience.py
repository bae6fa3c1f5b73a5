"""The summary's learned salience: what the shipped weights prefer, and bad weight files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsfuse.brief import summarize
from newsfuse.brief.candidates import Candidate, candidates, unfit
from newsfuse.brief.salience import (
    FEATURES,
    SalienceModelError,
    features,
    lexical_centrality,
    load_model,
)
from newsfuse.brief.summary import gather
from newsfuse.errors import NewsfuseError
from newsfuse.model import Article, Story
from newsfuse.settings import Settings

# An invented story: the dam's failure is reported by three outlets, each in its own words;
# the first outlet opens with a colourful aside nobody else mentions.
DAM = {
    "ridge": (
        "Ridge Gazette",
        "A retired teacher in Osterby said she had never seen the river so brown in spring. "
        "The Kettle Dam above Osterby failed on Sunday night, flooding two hundred homes in "
        "the valley below.",
    ),
    "courier": (
        "Valley Courier",
        "Two hundred homes in Osterby were flooded after the Kettle Dam failed late on "
        "Sunday. Emergency crews evacuated the lower town before midnight.",
    ),
    "wire": (
        "Nordwire",
        "Floodwater from the failed Kettle Dam swamped two hundred homes in Osterby on "
        "Sunday night. The regional water board has ordered an inspection of its other dams.",
    ),
}


def _articles() -> dict[str, Article]:
    return {
        aid: Article(id=aid, origin=f"{aid}.txt", source=source, text=text)
        for aid, (source, text) in DAM.items()
    }


def _row(**values: float) -> np.ndarray:
    row = np.zeros((1, len(FEATURES)), dtype=np.float32)
    base = {"centrality": 0.5, "wording": 0.3, "lexical": 0.05, "title": 0.2, "words": 3.2}
    for name, value in {**base, **values}.items():
        row[0, FEATURES.index(name)] = value
    return row


def test_shipped_weights_prefer_what_more_sources_report_and_what_is_central() -> None:
    model = load_model()
    for encoder in ("minilm", "model2vec"):
        p = [float(model.probability(_row(support=s), encoder)[0]) for s in (0.0, 0.5, 1.0)]
        assert p[0] < p[1] < p[2]
        # Two sentences of one story, the second the story's most central.
        aside = model.probability(_row(centrality=0.2, centrality_gap=-0.5), encoder)
        core = model.probability(_row(centrality=0.7, centrality_gap=0.0), encoder)
        assert aside < core


@pytest.mark.slow
def test_a_fact_three_sources_report_outranks_an_aside_only_one_has() -> None:
    settings = Settings()
    articles = _articles()
    story = Story(id="dam", title="Kettle Dam", articles=list(articles))
    pool = gather(story, articles, settings)
    assert pool is not None
    p = load_model().probability(pool.features, settings.encoder)
    texts = [c.text for c in pool.candidates]
    aside = texts.index(next(t for t in texts if "retired teacher" in t))
    failure = texts.index(next(t for t in texts if t.startswith("The Kettle Dam above")))
    assert p[failure] > p[aside]  # although the aside comes first in its article
    summary = summarize(story, articles, settings)
    assert summary and "Kettle Dam" in summary[0].text
    cited = next(s for s in summary if "two hundred homes" in s.text.lower())
    assert len(cited.citations) == 3


def test_lexical_centrality_rewards_words_the_other_sources_use() -> None:
    texts = [
        "The Kettle Dam failed and flooded homes in Osterby.",
        "A retired teacher admired the spring blossom.",
        "Osterby homes flooded when the Kettle Dam failed.",
        "Water from the Kettle Dam reached Osterby homes.",
    ]
    scores = lexical_centrality(texts, ["a", "a", "b", "c"])
    assert scores[0] > scores[1] == 0.0
    alone = lexical_centrality(texts, ["a"] * 4)  # one source: against its own other sentences
    assert alone[0] > alone[1]
    assert lexical_centrality(["The it was.", "And so on."], ["a", "b"]).tolist() == [0.0, 0.0]


def test_features_are_one_row_per_candidate_and_rank_not_relative_position() -> None:
    pool = [
        Candidate("a", 0, 40, "The Kettle Dam failed on Sunday night above Osterby.", rank=0),
        Candidate("a", 30, 40, 'He said: "We saw the wall crack before it went."', rank=12),
    ]
    x = features(
        pool,
        ["a", "a"],
        np.array([0.6, 0.4], dtype=np.float32),
        np.zeros(2, dtype=np.float32),
        np.zeros(2, dtype=np.float32),
        ["Kettle Dam fails"],
    )
    col = {name: x[:, k] for k, name in enumerate(FEATURES)}
    assert x.shape == (2, len(FEATURES))
    assert col["first"].tolist() == [1.0, 0.0] and col["rank"][1] > col["rank"][0] == 0.0
    assert col["dangling"].tolist() == [0.0, 1.0] and col["quote"].tolist() == [0.0, 1.0]
    assert col["centrality_gap"].tolist() == pytest.approx([0.0, -0.2])
    assert col["title"][0] > 0.0 == col["title"][1]


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "weights.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_a_missing_or_corrupt_weights_file_is_one_clear_error(tmp_path: Path) -> None:
    good = {"names": list(FEATURES), "weights": {"minilm": [0.1] * (len(FEATURES) + 1)}}
    assert load_model(_write(tmp_path, good)).weights["minilm"][0] == 0.1
    bad = {
        "not a salience weights file (Expecting": "{weights: ",
        "not a salience weights file": {"names": list(FEATURES)},
        "rerun eval/train_summary.py": {**good, "names": ["centrality", "support"]},
        "needs 13 finite weights, has 3": {**good, "weights": {"minilm": [1, 2, 3]}},
        "finite weights": {**good, "weights": {"minilm": [float("nan")] * 13}},
        "no weights": {**good, "weights": {}},
    }
    for message, data in bad.items():
        with pytest.raises(SalienceModelError) as error:
            load_model(_write(tmp_path, data))
        text = str(error.value)
        assert str(tmp_path / "weights.json") in text
        assert message in text
    with pytest.raises(NewsfuseError, match=r"nope\.json: cannot read salience weights"):
        load_model(tmp_path / "nope.json")
    with pytest.raises(SalienceModelError, match="no salience weights for the model2vec"):
        load_model(_write(tmp_path, good)).probability(_row(), "model2vec")


@pytest.mark.parametrize(
    "sentence",
    [
        "The minister said the talks would continue next week and that...",
        'The mayor told reporters that "the repairs to the dam will take..."',
        "The council voted to close the bridge, ...",
    ],
)
def test_a_sentence_cut_off_by_an_ellipsis_is_unfit(sentence: str) -> None:
    assert unfit(sentence) == "cut off (ends in an ellipsis)"


def test_a_full_stop_before_the_ellipsis_keeps_the_sentence_whole() -> None:
    article = Article(
        id="a",
        origin="a.txt",
        source="Ridge Gazette",
        text="The Kettle Dam above Osterby failed on Sunday night.... Crews worked until dawn "
        "to reinforce the banks of the river and",
    )
    (only,) = candidates(article)
    assert only.text == "The Kettle Dam above Osterby failed on Sunday night."


@pytest.mark.slow
def test_a_story_of_one_usable_sentence_is_summarised_by_it() -> None:
    articles = {
        "x": Article(
            id="x",
            origin="x.txt",
            source="Ridge Gazette",
            text="Kettle Dam\nThe Kettle Dam above Osterby failed on Sunday night.",
        )
    }
    summary = summarize(Story(id="s", title="", articles=["x"]), articles, Settings())
    assert [s.text for s in summary] == ["The Kettle Dam above Osterby failed on Sunday night."]
