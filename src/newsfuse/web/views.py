"""The JSON bodies of the API. Each page renders exactly the dict its JSON route returns.

One function per resource, so a page can never show something the API would not (or
the other way round); keys follow report.json (brief/report.py) and only ever add to it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from newsfuse.api import ArticleRecord, Library, StoryCard, StoryPage
from newsfuse.brief.report import article_to_dict, story_to_dict
from newsfuse.brief.view import date_range, safe_url, story_view
from newsfuse.errors import InputError
from newsfuse.model import Article
from newsfuse.web import text

ANALYSIS_KEYS = (
    "entities",
    "quotes",
    "facts",
    "conflicts",
    "timeline",
    "anomalies",
    "provenance",
    "story_dates",
    "updates",
)


def card_dict(card: StoryCard) -> dict[str, Any]:
    d = asdict(card)
    d["coverage"] = [{"day": day, "articles": n} for day, n in card.coverage]
    d["dates"] = date_range(card.first_seen, card.last_seen)
    return d


def page_dict(page: StoryPage) -> dict[str, Any]:
    return {
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "stories": [card_dict(c) for c in page.stories],
    }


def head(article: Article) -> dict[str, Any]:
    """An article as a list names it: no text."""
    return {
        "id": article.id,
        "source": article.source,
        "title": article.title,
        "url": article.url,
        "link": safe_url(article.url),
        "published": article.published,
        "duplicate_of": article.duplicate_of,
    }


def analysis_of(story: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """The story's analysis wherever it is kept: in the story dict (once report.json carries
    it) or as stored by the analysis stage; empty until the story has been analysed."""
    nested = story.get("analysis")
    if isinstance(nested, dict):
        return nested
    found = {k: story[k] for k in ANALYSIS_KEYS if k in story}
    if found:
        return found
    return {k: stored[k] for k in ANALYSIS_KEYS if stored and k in stored}


def story_dict(library: Library, story_id: str, *, texts: bool = False) -> dict[str, Any]:
    """The story as report.json has it, plus what the page needs to show the evidence:
    numbered sources, where each citation's sentence is in its article, coverage by day."""
    story, articles, stored = library.story(story_id)
    by_id = {a.id: a for a in articles}
    d = story_to_dict(story, by_id)
    analysis = analysis_of(d, stored)
    if analysis and not any(k in d for k in ANALYSIS_KEYS) and "analysis" not in d:
        d.update(analysis)
    card = library.card(story_id)
    view = story_view(story, by_id, 0)
    numbers = {e.article: e.number for e in view.entries}
    d["dates"] = view.dates
    d["independent_sources"] = card.independent_sources
    d["coverage"] = [{"day": day, "articles": n} for day, n in card.coverage]
    d["entries"] = [
        {
            "number": e.number,
            "article": e.article,
            "source": e.source,
            "title": e.title,
            "link": e.url,
            "published": e.published,
            "duplicate_of": e.duplicate_of,
            "duplicate_number": e.duplicate_number,
            "why": e.why,
        }
        for e in view.entries
    ]
    split = {a.id: text.sentences(a.text) for a in articles}
    for item in d["summary"]:
        evidence = []
        for aid in item["citations"]:
            found = text.locate(item["text"], split.get(aid, []))
            if found is not None:
                k, score = found
                s = split[aid][k]
                evidence.append(
                    {
                        "article": aid,
                        "number": numbers.get(aid),
                        "sentence": k,
                        "start": s.start,
                        "end": s.end,
                        "score": score,
                    }
                )
        item["evidence"] = evidence
    if texts:
        d["texts"] = [
            {
                "article": a.id,
                "number": numbers.get(a.id),
                "text": a.text,
                "sentences": [[s.start, s.end] for s in split[a.id]],
            }
            for a in sorted(articles, key=lambda a: numbers.get(a.id, 0))
        ]
    return d


def public_origin(origin: str) -> str:
    """Where an article was read from, without the server's folders: the file name (and
    line), or the upload name. Paths on the server are nobody's business over the network."""
    if origin.startswith("upload:"):
        return origin
    return origin.replace("\\", "/").rsplit("/", 1)[-1]


def record_dict(record: ArticleRecord) -> dict[str, Any]:
    a = record.article
    d = article_to_dict(a)
    d["origin"] = public_origin(a.origin)
    d["link"] = safe_url(a.url)
    d["story"] = record.story
    d["original"] = head(record.original) if record.original else None
    d["copies"] = [head(c) for c in record.copies]
    d["sentences"] = [[s.start, s.end] for s in text.sentences(a.text)]
    return d


def article_dict(library: Library, article_id: str) -> dict[str, Any]:
    record = library.article(article_id)
    d = record_dict(record)
    d["siblings"] = []
    if record.story:
        story, members, _ = library.story(record.story)
        d["story_title"] = story.title
        d["siblings"] = [head(m) for m in members if m.id != article_id]
    return d


def search_dict(library: Library, query: str, limit: int) -> dict[str, Any]:
    found = library.search(query, limit)
    return {
        "query": query,
        "stories": [
            {**card_dict(c), "title_marked": [list(p) for p in text.marked(c.title, query)]}
            for c in found.stories
        ],
        "articles": [
            {
                **head(a),
                "story": library.story_of(a.id),
                "title_marked": [list(p) for p in text.marked(a.title or a.id, query)],
                "snippet": [list(p) for p in text.snippet(a.text, query)],
            }
            for a in found.articles
        ],
    }


def compare_dict(library: Library, left_id: str, right_id: str) -> dict[str, Any]:
    """Two articles side by side: which sentences they share, which only one side has."""
    if left_id == right_id:
        raise InputError("compare", "choose two different articles")
    left, right = library.article(left_id), library.article(right_id)
    a, b = text.sentences(left.article.text), text.sentences(right.article.text)
    pairs = text.align(a, b)
    left_pair = {p.left: n for n, p in enumerate(pairs)}
    right_pair = {p.right: n for n, p in enumerate(pairs)}

    def side(
        rec: ArticleRecord, found: list[text.Sentence], pair: dict[int, int]
    ) -> dict[str, Any]:
        return {
            **head(rec.article),
            "story": rec.story,
            "removed": list(rec.article.removed),
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": s.text,
                    "pair": pair.get(k),
                    "kind": pairs[pair[k]].kind if k in pair else None,
                }
                for k, s in enumerate(found)
            ],
        }

    shared = len(pairs)
    return {
        "left": side(left, a, left_pair),
        "right": side(right, b, right_pair),
        "same_story": left.story is not None and left.story == right.story,
        "pairs": [
            {"pair": n, "left": p.left, "right": p.right, "score": p.score, "kind": p.kind}
            for n, p in enumerate(pairs)
        ],
        "shared": shared,
        "only_left": len(a) - shared,
        "only_right": len(b) - shared,
    }
