"""Analysis and summary per story, each story's articles loaded from the store when needed.

Stories are handled a batch at a time (a few thousand member articles): their articles are
read, each story analysed and summarised, and the finished batch handed to the store's
story swap, which writes the whole new set in one transaction. So neither every article
text nor every finished analysis is in memory at once, and readers still see the old set
of stories or the new one, never a mix.
"""

from __future__ import annotations

from collections import deque

from newsfuse.analysis import analyze
from newsfuse.analysis.readings import settle_dates
from newsfuse.brief import summarize
from newsfuse.engine.progress import StageClock
from newsfuse.model import Story
from newsfuse.settings import Settings
from newsfuse.store import Store

MEMBERS = 5_000  # member articles read for one batch of stories (a larger story: alone)


def brief_all(store: Store, stories: deque[Story], settings: Settings, clock: StageClock) -> None:
    """Analyse (when enabled) and summarise every story and store the new set; the deque is
    emptied as stories are written, so finished ones do not pile up in memory."""
    total = len(stories)
    first = "analyze" if settings.analysis else "brief"
    if settings.analysis:
        clock.stat("analyze", total).items_in = total
    clock.stat("brief", total).items_in = total
    with store.story_swap([s.id for s in stories]) as put:
        while stories:
            batch = [stories.popleft()]
            size = len(batch[0].articles)
            while stories and size + len(stories[0].articles) <= MEMBERS:
                size += len(stories[0].articles)
                batch.append(stories.popleft())
            with clock.part(first):
                wanted = [a for s in batch for a in s.articles]
                by_id = {a.id: a for a in store.articles(wanted)}
                # Ambiguous dates ("02/05/2025") read as their story's other reports do.
                store.update_dates(settle_dates(batch, by_id, settings.time_window_days))
            if settings.analysis:
                with clock.part("analyze") as stat:
                    for story in batch:
                        story.analysis = analyze(story, by_id, settings)
                        clock.progress.advance("analyze")
                    stat.items_out += len(batch)
            with clock.part("brief") as stat:
                for story in batch:
                    story.summary = summarize(story, by_id, settings)
                    clock.progress.advance("brief")
                stat.items_out += len(batch)
                put(batch)
    clock.done("analyze", "brief")
