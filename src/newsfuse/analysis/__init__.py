"""Cross-source analysis of one story: who, what was said, what is agreed, what is disputed, when.

Order matters: provenance comes before facts, because a fact's support is counted in
independent sources; the story's date comes before the timeline, because undated and misdated
articles are read against it. Models (MiniLM, spaCy) load once per process; one bounded
encoder cache is shared by every step, and by the brief's summary, so each distinct sentence
is embedded once.
"""

from __future__ import annotations

from newsfuse.model import Analysis, Article, Story
from newsfuse.settings import Settings

__all__ = ["analyze", "clear_caches"]


def analyze(story: Story, articles: dict[str, Article], settings: Settings) -> Analysis:
    """Everything the analysis finds in the story's articles (ids missing from `articles`
    are skipped)."""
    from newsfuse.analysis.conflicts import find_conflicts
    from newsfuse.analysis.entities import extract_entities
    from newsfuse.analysis.facts import align_facts, claim_units
    from newsfuse.analysis.provenance import trace_provenance
    from newsfuse.analysis.quotes import extract_quotes
    from newsfuse.analysis.timeline import (
        build_timeline,
        date_conflicts,
        dated_clauses,
        estimate_story_date,
        find_anomalies,
        story_dates,
    )
    from newsfuse.analysis.vectors import shared_encoder

    members = [articles[aid] for aid in dict.fromkeys(story.articles) if aid in articles]
    if not members:
        return Analysis()
    encoder = shared_encoder(settings)
    when = estimate_story_date(members, settings.time_window_days)
    anomalies = find_anomalies(members, when)
    dated = dated_clauses(members, when, anomalies)
    # The clauses facts and the timeline compare are known before spaCy runs: embed them
    # meanwhile (MiniLM uses the cores spaCy leaves idle).
    units = [u.text for u in claim_units(members)]
    encoder.prefetch(units + [t for d in dated for t in (d.clause.text, d.text)])
    entities = extract_entities(members)
    quotes = extract_quotes(members, entities, encoder)
    provenance = trace_provenance(members)
    facts = align_facts(members, provenance, encoder)
    return Analysis(
        entities=entities,
        quotes=quotes,
        facts=facts,
        conflicts=find_conflicts(members, facts, quotes) + date_conflicts(dated, encoder),
        timeline=build_timeline(dated, encoder),
        anomalies=anomalies,
        provenance=provenance,
        story_dates=story_dates(dated, when, settings.time_window_days),
    )


def clear_caches() -> None:
    """Forget what earlier stories left in the per-process caches (sentence and quote vectors,
    spaCy docs, text profiles, date scans): benchmarks time a story from cold. Loaded models
    stay."""
    from newsfuse.analysis.dates import clear_date_cache
    from newsfuse.analysis.entity_nlp import clear_doc_cache
    from newsfuse.analysis.quote_groups import clear_vector_cache
    from newsfuse.analysis.similarity import clear_profile_cache
    from newsfuse.analysis.vectors import clear_shared

    clear_shared()
    clear_vector_cache()
    clear_doc_cache()
    clear_profile_cache()
    clear_date_cache()
