"""Whatever goes into the store comes back equal: Article and Story survive the row trip."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newsfuse.model import Article, Membership, Story, SummarySentence
from newsfuse.store import Store

text = st.text()  # full unicode (no lone surrogates, which UTF-8 cannot hold), NUL included
maybe_text = st.none() | text
json_scalar = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
)
json_value = st.recursive(
    json_scalar | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)

articles = st.builds(
    Article,
    id=st.text(min_size=1),
    origin=text,
    source=text,
    text=text,
    title=maybe_text,
    url=maybe_text,
    published=maybe_text,
    language=maybe_text,
    removed=st.lists(text, max_size=5),
    duplicate_of=maybe_text,
    duplicate_score=st.none() | st.floats(allow_nan=False),
    meta=st.dictionaries(text, json_value, max_size=5),
)

settings_ = settings(max_examples=60, deadline=None)


@settings_
@given(article=articles)
def test_article_round_trip(article: Article) -> None:
    with Store(":memory:") as store:
        assert store.add_articles([article]) == 1
        assert store.article(article.id) == article
        assert store.articles() == [article]


@settings_
@given(batch=st.lists(articles, max_size=8, unique_by=lambda a: a.id))
def test_batch_comes_back_in_insertion_order(batch: list[Article]) -> None:
    with Store(":memory:") as store:
        assert store.add_articles(batch) == len(batch)
        assert store.articles() == batch
        assert store.articles(reversed([a.id for a in batch])) == batch


@st.composite
def stories_over_articles(draw: Any) -> tuple[list[str], list[Story]]:
    """Article ids, and stories that partition some of them, with evidence in any order."""
    ids = draw(st.lists(st.text(min_size=1), min_size=1, max_size=12, unique=True))
    used = draw(st.permutations(ids))[: draw(st.integers(0, len(ids)))]
    stories: list[Story] = []
    story_ids = draw(st.lists(st.text(min_size=1), min_size=3, max_size=3, unique=True))
    cuts = sorted(draw(st.lists(st.integers(0, len(used)), min_size=2, max_size=2)))
    for story_id, members in zip(
        story_ids, (used[: cuts[0]], used[cuts[0] : cuts[1]], used[cuts[1] :]), strict=True
    ):
        evidence = draw(st.permutations(members))[: draw(st.integers(0, len(members)))]
        stories.append(
            Story(
                id=story_id,
                title=draw(text),
                articles=list(members),
                first_seen=draw(maybe_text),
                last_seen=draw(maybe_text),
                sources=draw(st.lists(text, max_size=3)),
                summary=[
                    SummarySentence(text=t, citations=draw(st.lists(st.sampled_from(ids))))
                    for t in draw(st.lists(text, max_size=4))
                ],
                members=[
                    Membership(
                        article=a,
                        similarity=draw(st.floats(allow_nan=False)),
                        shared_entities=draw(st.lists(text, max_size=3)),
                        date_gap_days=draw(st.none() | st.integers(-(2**40), 2**40)),
                        reason=draw(text),
                    )
                    for a in evidence
                ],
            )
        )
    return ids, stories


@settings_
@given(case=stories_over_articles())
def test_story_round_trip(case: tuple[list[str], list[Story]]) -> None:
    ids, stories = case
    with Store(":memory:") as store:
        store.add_articles(Article(id=i, origin="o", source="s", text="t") for i in ids)
        store.replace_stories(stories)
        for story in stories:
            assert store.story(story.id) == story
            for article_id in story.articles:
                assert store.story_of(article_id) == story.id
        assert sorted(store.stories(), key=lambda s: s.id) == sorted(stories, key=lambda s: s.id)
