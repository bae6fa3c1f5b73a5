"""Story clustering on small invented articles: events apart, rewrites together, evidence kept."""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, replace

import pytest

from newsfuse.cluster import cluster, linkage, pairs
from newsfuse.errors import InputError
from newsfuse.model import Article
from newsfuse.settings import Settings

pytestmark = pytest.mark.slow  # loads MiniLM once for the module


def art(
    aid: str, text: str, published: str | None, source: str, title: str | None = None
) -> Article:
    return Article(
        id=aid, origin=f"test:{aid}", source=source, text=text, title=title, published=published
    )


# Two invented events of the same kind, five years apart, with different people and places.
HOLLOWAY = [
    art(
        "a1",
        "Actress Jane Holloway has checked into the Sunrise Ridge treatment centre in Malibu, "
        "her publicist Tom Berridge said on Tuesday. Holloway, 34, star of the comedy Summer "
        "Lanes, asked for privacy for her family. Berridge would not say what she is being "
        "treated for. Friends said Holloway had struggled since her divorce last spring.",
        "2009-03-10",
        "dailyglobe.example",
        "Jane Holloway enters rehab at Sunrise Ridge",
    ),
    art(
        "a2",
        "Jane Holloway, the Summer Lanes actress, entered rehab at Sunrise Ridge in Malibu this "
        "week, according to her spokesman Tom Berridge. The 34-year-old star asked fans to "
        "respect her privacy. Holloway's divorce was finalised last spring and friends say "
        "she has been partying hard since.",
        "2009-03-11",
        "celebwire.example",
        "Summer Lanes star Holloway checks into Malibu rehab",
    ),
    art(
        "a3",
        "Holloway in rehab: publicist Tom Berridge confirmed that Jane Holloway is receiving "
        "treatment at the Sunrise Ridge facility in Malibu. The actress, known for Summer "
        "Lanes, checked in on Monday night. Berridge thanked fans for their support.",
        "2009-03-10",
        "morningpost.example",
        "Publicist confirms Jane Holloway is in treatment",
    ),
]
DEVLIN = [
    art(
        "b1",
        "Singer Mark Devlin has checked into the Pinecrest Recovery Center in Arizona after a "
        "judge ordered him to seek treatment, his lawyer Rita Okafor said on Friday. Devlin, "
        "41, was arrested in Phoenix last month for driving under the influence. Okafor said "
        "the singer will stay at Pinecrest for ninety days.",
        "2014-06-06",
        "dailyglobe.example",
        "Mark Devlin checks into Pinecrest rehab",
    ),
    art(
        "b2",
        "Mark Devlin entered court-ordered rehab at Pinecrest Recovery Center in Arizona, "
        "attorney Rita Okafor confirmed. The 41-year-old singer was arrested in Phoenix in "
        "May on a drunk driving charge. He must complete a ninety day program, the judge said.",
        "2014-06-07",
        "musicnews.example",
        "Devlin begins ninety days of court-ordered rehab",
    ),
    art(
        "b3",
        "Lawyer Rita Okafor says her client Mark Devlin is now at the Pinecrest Recovery Center. "
        "The singer was arrested in Phoenix for driving under the influence and a judge sent "
        "him to treatment. Devlin apologised to his fans in a statement.",
        "2014-06-06",
        "morningpost.example",
        "Singer Mark Devlin in rehab after Phoenix arrest",
    ),
]
UNRELATED = art(
    "c1",
    "The city council of Eastbridge approved a new budget for road repairs on Wednesday. Mayor "
    "Helen Price said the plan would fix two hundred streets by next year. Opposition "
    "councillors called the spending too small for the size of the problem.",
    "2014-06-06",
    "localnews.example",
    "Eastbridge council approves road repair budget",
)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(encoder="minilm")


def groups(stories: list) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


def test_same_kind_of_event_years_apart_stays_apart_and_rewrites_join(settings: Settings) -> None:
    stories = cluster([*HOLLOWAY, *DEVLIN, UNRELATED], settings)
    assert groups(stories) == {
        frozenset({"a1", "a2", "a3"}),
        frozenset({"b1", "b2", "b3"}),
        frozenset({"c1"}),
    }


def test_same_kind_of_event_apart_even_without_dates(settings: Settings) -> None:
    undated = [replace(a, published=None) for a in [*HOLLOWAY, *DEVLIN]]
    stories = cluster(undated, settings)
    assert groups(stories) == {frozenset({"a1", "a2", "a3"}), frozenset({"b1", "b2", "b3"})}
    assert all(s.first_seen is None and s.last_seen is None for s in stories)
    assert all(m.date_gap_days is None for s in stories for m in s.members)


def test_duplicates_join_their_originals_story(settings: Settings) -> None:
    copy = replace(
        HOLLOWAY[0], id="a1-copy", source="mirror.example", duplicate_of="a1", duplicate_score=1.0
    )
    near = replace(
        DEVLIN[1], id="b2-near", published="2014-06-09", duplicate_of="b2", duplicate_score=0.91
    )
    stories = cluster([*HOLLOWAY, *DEVLIN, copy, near], settings)
    by_article = {a: s for s in stories for a in s.articles}
    assert by_article["a1-copy"] is by_article["a1"]
    assert by_article["b2-near"] is by_article["b2"]
    reasons = {m.article: m.reason for s in stories for m in s.members}
    assert reasons["a1-copy"] == "exact copy of a1"
    assert reasons["b2-near"] == "near-copy (0.91) of b2"
    assert "mirror.example" in by_article["a1"].sources


def test_shuffled_input_gives_identical_output(settings: Settings) -> None:
    items = [*HOLLOWAY, *DEVLIN, UNRELATED]
    first = [asdict(s) for s in cluster(items, settings)]
    for seed in (1, 2):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert [asdict(s) for s in cluster(shuffled, settings)] == first


def test_memberships_explain_every_article(settings: Settings) -> None:
    items = [*HOLLOWAY, *DEVLIN, UNRELATED]
    texts = {a.id: f"{a.title}\n{a.text}" for a in items}
    for story in cluster(items, settings):
        assert [m.article for m in story.members] == story.articles
        assert story.id == "s" + hashlib.sha1(min(story.articles).encode()).hexdigest()[:12]
        for m in story.members:
            assert 0.0 <= m.similarity <= 1.0 and m.reason
            assert all(name in texts[m.article] for name in m.shared_entities)
        if len(story.articles) > 1:
            assert all(m.similarity > 0.5 for m in story.members)  # joined: more likely than not
            assert all("shares" in m.reason and "score" in m.reason for m in story.members)
    holloway = next(s for s in cluster(items, settings) if "a1" in s.articles)
    assert "Jane Holloway" in holloway.members[0].shared_entities or "Holloway" in " ".join(
        holloway.members[0].shared_entities
    )
    assert holloway.articles == ["a1", "a3", "a2"]  # by date, then id
    assert (holloway.first_seen, holloway.last_seen) == ("2009-03-10", "2009-03-11")
    assert holloway.sources == sorted({a.source for a in HOLLOWAY})
    assert sorted(m.date_gap_days for m in holloway.members) == [0, 0, 1]
    assert holloway.title in {a.title for a in HOLLOWAY}


def test_empty_and_single_inputs(settings: Settings) -> None:
    assert cluster([], settings) == []
    (story,) = cluster([UNRELATED], settings)
    assert story.articles == ["c1"] and story.title == UNRELATED.title
    assert story.members[0].article == "c1" and story.members[0].reason


def test_title_falls_back_to_text_head(settings: Settings) -> None:
    (story,) = cluster([replace(UNRELATED, title=None)], settings)
    assert UNRELATED.text.startswith(story.title.rstrip("…"))
    assert len(story.title) <= 91


def test_repeated_ids_are_refused(settings: Settings) -> None:
    with pytest.raises(InputError):
        cluster([HOLLOWAY[0], replace(HOLLOWAY[1], id="a1")], settings)


def test_blocked_scan_for_large_inputs_agrees(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The path 100,000 articles take (time-window blocks, nearest neighbours) on small data."""
    items = [*HOLLOWAY, *DEVLIN, UNRELATED]
    exact = groups(cluster(items, settings))
    monkeypatch.setattr(pairs, "EXACT_LIMIT", 0)
    monkeypatch.setattr(pairs, "BLOCK", 2)
    assert groups(cluster(items, settings)) == exact


def test_average_link_needs_the_group_not_one_pair() -> None:
    import numpy as np

    # 0-1 and 2-3 are sure pairs; a single strong 1-2 link must not chain the two groups.
    prob = np.array(
        [
            [0.0, 0.9, 0.1, 0.1],
            [0.9, 0.0, 0.8, 0.1],
            [0.1, 0.8, 0.0, 0.9],
            [0.1, 0.1, 0.9, 0.0],
        ]
    )
    assert linkage.average_link(prob, 0.5) == [[0, 1], [2, 3]]
