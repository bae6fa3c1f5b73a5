"""The same-fact model: shipped weights, the pair features it reads, and its decisions on
invented sentence pairs with both sentence encoders."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from newsfuse.analysis.samefact import MODELS, model_for, same_fact_probability
from newsfuse.analysis.similarity import FEATURES, Profile, information, pair_features

ENCODERS = ("minilm", "model2vec")

RESCUE = "Firefighters rescued 14 people from the flooded village of Marnoc late on Sunday."
BUDGET = "The council approved a budget of 4.2 million euros for the new library on Tuesday."
VOTE = "Helena Ostrova won the regional election with 52 percent of the vote."
JOBS = "The company will cut 300 jobs at its plant in Dresden by the end of the year."

PARAPHRASES = [
    (
        RESCUE,
        "Late on Sunday, firefighters saved 14 people trapped in the flooded village of Marnoc.",
    ),
    (BUDGET, "On Tuesday the council backed a 4.2 million euro budget for the new library."),
    (VOTE, "With 52 percent of the vote, Helena Ostrova won the regional election."),
    (JOBS, "By the end of the year, 300 jobs will go at the company's Dresden plant."),
]
# Same story, same people or place, a different claim: what fact alignment must keep apart.
RELATED = [
    (RESCUE, "Firefighters were still searching for two missing people in Marnoc on Monday."),
    (BUDGET, "The council will vote on the budget for the new swimming pool next month."),
    (VOTE, "Helena Ostrova promised to cut regional taxes during the campaign."),
    (JOBS, "The company opened its plant in Dresden in 2009 with 1,200 workers."),
    (
        "The prime minister met the king at the palace on Friday.",
        "The prime minister will travel to Brussels on Friday for talks on the budget.",
    ),
    (
        '"We expect the harvest to recover next year," said Ilse Varga.',
        '"They have every right to protest," he said.',
    ),
]
# One report with another figure or day: conflicts.py compares figures inside one fact group
# and the timeline finds date conflicts through is_same_fact, so these must stay one fact.
DISAGREEING = [
    (BUDGET, BUDGET.replace("4.2 million", "7.9 million")),
    (VOTE, VOTE.replace("52 percent", "38 percent")),
    (RESCUE, RESCUE.replace("Sunday", "Saturday")),
]


def test_shipped_weights_load_for_both_encoders() -> None:
    assert set(MODELS) == set(ENCODERS)
    for name in ENCODERS:
        model = model_for(name)
        assert len(model.mean) == len(model.scale) == len(model.coef) == len(FEATURES)
        assert 0 < model.threshold < 1 and 0 < model.floor < 1
        assert all(s > 0 for s in model.scale)
    assert model_for("no-such-encoder") is MODELS["minilm"]


def test_probability_is_symmetric_and_bounded() -> None:
    a, b = Profile.of(BUDGET), Profile.of(PARAPHRASES[1][1])
    for name in ENCODERS:
        model = model_for(name)
        rows = np.asarray([pair_features(a, b, c) for c in (0.2, 0.6, 0.95)])
        swapped = np.asarray([pair_features(b, a, c) for c in (0.2, 0.6, 0.95)])
        p = model.probability(rows)
        assert np.array_equal(p, model.probability(swapped))
        assert np.all((p > 0) & (p < 1))
        assert p[0] < p[1] < p[2]  # more alike in meaning, more likely the same fact


def _feature(a: str, b: str, name: str) -> float:
    return pair_features(Profile.of(a), Profile.of(b), 0.9)[FEATURES.index(name)]


def test_features_see_a_changed_name_figure_or_negation() -> None:
    renamed = VOTE.replace("Helena Ostrova", "Marek Dallin")
    assert _feature(VOTE, VOTE, "names_unshared_max") == 0.0
    assert _feature(VOTE, renamed, "names_unshared_max") == 1.0
    assert _feature(VOTE, renamed, "names_jaccard") < 0.5
    refigured = JOBS.replace("300", "450")
    assert _feature(JOBS, JOBS, "numbers_unshared_max") == 0.0
    assert _feature(JOBS, refigured, "numbers_unshared_min") == 1.0
    denied = RESCUE.replace("rescued", "did not rescue")
    assert _feature(RESCUE, denied, "negation_differs") == 1.0
    assert _feature(RESCUE, PARAPHRASES[0][1], "negation_differs") == 0.0
    # a sentence-initial capital is no name unless the word is rare
    assert (
        _feature("The mayor resigned on Monday.", "A mayor resigned Monday.", "names_jaccard")
        == 1.0
    )
    added = RESCUE.replace(" late on Sunday", ", the region's governor said late on Sunday")
    assert _feature(RESCUE, added, "unshared_info_max") > _feature(
        RESCUE, PARAPHRASES[0][1], "unshared_info_max"
    )


def test_information_ranks_common_below_rare_words() -> None:
    ranked = [information(w) for w in ("the", "library", "firefighters", "marnoc")]
    assert ranked == sorted(ranked) and ranked[0] < 1 and ranked[-1] == 8.0
    assert all(0 <= v <= 8 for v in ranked)


Decide = Callable[[str, str, str], tuple[bool, float]]


@pytest.fixture(scope="module")
def decide() -> Decide:
    from newsfuse.embed import get_encoder

    def same(a: str, b: str, name: str) -> tuple[bool, float]:
        vectors = get_encoder(name).encode([a, b])
        p = same_fact_probability(a, b, float(vectors[0] @ vectors[1]), name)
        return p >= model_for(name).threshold, p

    return same


@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODERS)
def test_paraphrases_are_one_fact(decide: Decide, name: str) -> None:
    for a, b in PARAPHRASES:
        assert decide(a, b, name)[0], (a, b)


@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODERS)
def test_related_claims_are_different_facts(decide: Decide, name: str) -> None:
    for a, b in RELATED:
        assert not decide(a, b, name)[0], (a, b)


@pytest.mark.slow
@pytest.mark.parametrize("name", ENCODERS)
def test_a_changed_figure_or_day_stays_one_fact(decide: Decide, name: str) -> None:
    for a, b in DISAGREEING:
        assert decide(a, b, name)[0], (a, b)
