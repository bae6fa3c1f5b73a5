"""The scorer's two looks and the overlap features, on invented wire copy.

One ferry grounding is told by two wire services, each rewritten by three outlets: inside a
family the wording is shared, across families only the facts are. A second grounding of
the same kind (another ferry, island and coastguard chief, years later) must stay apart.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from newsfuse.cluster import cluster, evidence, pairs, profiles, scorer
from newsfuse.model import Article
from newsfuse.settings import Settings

pytestmark = pytest.mark.slow  # loads MiniLM once for the module


def art(aid: str, title: str, text: str, published: str | None) -> Article:
    return Article(aid, f"test:{aid}", f"{aid}.example", text, title=title, published=published)


# Family 1: three rewrites of one wire report.
WIRE_ONE = [
    art(
        "f1",
        "Ferry Marisol Dawn runs aground off Kellan Point; 214 passengers rescued",
        "The ferry Marisol Dawn ran aground on rocks off Kellan Point early on Tuesday and "
        "all 214 passengers were taken off by lifeboats, the Ostrava coastguard said. Coastguard "
        "commander Ilse Maren said the hull was breached below the waterline and the vessel was "
        "listing. Nobody was seriously hurt. The operator, Blue Tern Lines, said the ferry had "
        "left Port Daska at midnight bound for Velm.",
        "2031-04-08",
    ),
    art(
        "f2",
        "214 rescued as ferry Marisol Dawn grounds off Kellan Point",
        "All 214 passengers of the ferry Marisol Dawn were taken off by lifeboats after it ran "
        "aground on rocks off Kellan Point early Tuesday, the Ostrava coastguard said. Commander "
        "Ilse Maren said the hull was breached below the waterline and the ship was listing. No "
        "one was seriously injured. Blue Tern Lines said the ferry left Port Daska at midnight "
        "for Velm.",
        "2031-04-08",
    ),
    art(
        "f3",
        "Marisol Dawn aground at Kellan Point, passengers safe",
        "Lifeboats took all 214 passengers off the ferry Marisol Dawn, which ran aground on rocks "
        "off Kellan Point early on Tuesday, according to the Ostrava coastguard. The hull was "
        "breached below the waterline and the vessel was listing, commander Ilse Maren said. "
        "There were no serious injuries. Operator Blue Tern Lines said the ferry had sailed "
        "from Port Daska at midnight.",
        "2031-04-08",
    ),
]
# Family 2: the same grounding from another wire service, worded its own way.
WIRE_TWO = [
    art(
        "g1",
        "Night rescue at Kellan Point as Blue Tern ferry strikes reef",
        "Coastguard crews worked through the night off Kellan Point after the Blue Tern Lines "
        "vessel Marisol Dawn struck a reef on its Port Daska to Velm crossing. Two hundred and "
        "fourteen people were brought ashore at Kellan harbour, where volunteers handed out "
        "blankets. Ilse Maren, who led the operation, praised the calm of the crew.",
        "2031-04-08",
    ),
    art(
        "g2",
        "Kellan harbour welcomes ferry survivors",
        "Volunteers at Kellan harbour handed out blankets and tea to 214 people brought ashore "
        "overnight after the Marisol Dawn struck a reef near Kellan Point. The Blue Tern Lines "
        "vessel was crossing from Port Daska to Velm. Ilse Maren, who led the coastguard "
        "operation, said the crew had stayed calm throughout.",
        "2031-04-09",
    ),
    art(
        "g3",
        "Ferry strikes reef near Kellan; everyone brought ashore",
        "Everyone aboard the Marisol Dawn, 214 people, was brought ashore at Kellan harbour "
        "after the Blue Tern Lines ferry struck a reef near Kellan Point overnight. The crossing "
        "from Port Daska to Velm ended in the dark; coastguard chief Ilse Maren said crew and "
        "passengers stayed calm.",
        "2031-04-08",
    ),
]
# The same kind of event, years later: another ferry, island, operator and coastguard chief.
OTHER = [
    art(
        "h1",
        "Ferry Northern Tamsin runs aground off Bresk Island; 96 passengers rescued",
        "The ferry Northern Tamsin ran aground on a sandbank off Bresk Island on Friday evening "
        "and all 96 passengers were taken off by lifeboats, the Halvard coastguard said. "
        "Coastguard chief Paul Dorrance said the vessel was stable and would be towed to "
        "Halvard at high tide. The operator, Greyline Ferries, apologised to passengers.",
        "2036-10-17",
    ),
    art(
        "h2",
        "96 taken off stranded Northern Tamsin at Bresk Island",
        "Lifeboats took all 96 passengers off the Greyline Ferries vessel Northern Tamsin after "
        "it grounded on a sandbank off Bresk Island on Friday, the Halvard coastguard said. "
        "Chief Paul Dorrance said the ship was stable and would be towed to Halvard at high "
        "tide. Greyline Ferries apologised.",
        "2036-10-17",
    ),
]
ALL = [*WIRE_ONE, *WIRE_TWO, *OTHER]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(encoder="minilm")


@pytest.fixture(scope="module")
def judged(settings: Settings) -> evidence.Judge:
    prof = profiles.build(sorted(ALL, key=lambda a: a.id), settings)
    scan = pairs.scan(prof, settings.time_window_days)
    return evidence.judge(prof, scan, scorer.WEIGHTS[settings.encoder])


def positions(judged: evidence.Judge, ids: list[Article]) -> list[int]:
    return [judged.p.ids.index(a.id) for a in ids]


def test_both_wire_families_make_one_story_and_the_other_grounding_another(
    settings: Settings,
) -> None:
    stories = {frozenset(s.articles) for s in cluster(ALL, settings)}
    assert stories == {frozenset(a.id for a in WIRE_ONE + WIRE_TWO), frozenset({"h1", "h2"})}


def test_agreement_is_higher_across_families_of_one_event_than_across_events(
    judged: evidence.Judge,
) -> None:
    one, two, other = (positions(judged, x) for x in (WIRE_ONE, WIRE_TWO, OTHER))
    agree = (judged.rows @ judged.rows.T).toarray()
    across_families = min(agree[a, b] for a in one for b in two)
    across_events = max(agree[a, b] for a in one + two for b in other)
    assert across_families > across_events


def test_a_pair_gets_one_probability_whichever_way_it_is_reached(judged: evidence.Judge) -> None:
    scan = judged.scan
    everyone = np.arange(len(judged.p.ids))
    block = judged.block(everyone)
    by_pairs = judged.pairs(scan.i, scan.j)
    assert np.allclose(judged.scan_prob, by_pairs, atol=1e-5)
    assert np.allclose(judged.scan_prob, block[scan.i, scan.j], atol=1e-5)
    assert np.allclose(block, block.T) and np.all(np.diag(block) == 0.0)


def test_settled_pairs_keep_the_first_look(judged: evidence.Judge) -> None:
    """The second look re-scores only pairs the first left open; the rest are two events."""
    p, scan = judged.p, judged.scan
    sure = (0.0,) * len(scorer.SECOND) + (50.0,)  # a second look that calls every pair one event
    for bias, opened in ((-10.0, False), (0.0, True)):  # first look: p = 0.00005 | 0.5 everywhere
        first = (0.0,) * len(scorer.FEATURES) + (bias,)
        prob = evidence.judge(p, scan, scorer.Weights(first, sure)).scan_prob
        expected = 1.0 if opened else 1.0 / (1.0 + np.exp(10.0))
        assert np.allclose(prob, expected)
        block = evidence.judge(p, scan, scorer.Weights(first, sure)).block(np.arange(len(p.ids)))
        assert np.allclose(block[scan.i, scan.j], expected)


def test_a_brief_is_contained_in_the_long_report_of_its_event(settings: Settings) -> None:
    long = WIRE_ONE[0]
    brief = art(
        "b1", "", "Marisol Dawn aground off Kellan Point; Ilse Maren says 214 rescued.", None
    )
    prof = profiles.build([long, brief, OTHER[0]], settings)
    scan = pairs.scan(prof, settings.time_window_days)
    i, j = np.array([0, 1]), np.array([1, 2])
    sims = evidence.pair_sims(prof, scan, evidence.mass_of(prof), i, j)
    # Every name of the brief is in the long report: overlap 1, where cosine is well below.
    assert sims["names_overlap"][0] == pytest.approx(1.0)
    assert sims["names"][0] < 0.8
    assert sims["words_overlap"][0] > sims["words"][0]
    assert sims["names_overlap"][1] < 0.2  # the other grounding names other people and places


def test_agreement_rows_are_unit_rows_without_settled_pairs() -> None:
    i, j = np.array([0, 0, 1]), np.array([1, 2, 2])
    first = np.array([0.9, 0.001, 0.6])
    rows = evidence.agreement_rows(3, i, j, first).toarray()
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)
    assert rows[0, 2] == 0.0 and rows[2, 0] == 0.0  # settled: left out
    assert all((rows[a, b] > 0) == (rows[b, a] > 0) for a, b in combinations(range(3), 2))
