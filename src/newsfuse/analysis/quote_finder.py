"""Quote mentions of one article: quoted and reported speech, each with its cue and source.

A direct quote (quote_marks) is attributed, in this order, to
  1. a cue verb in its sentence: the one governing the quote, else the nearest after it
     (“…,” she said), else the nearest before it (He said: “…”);
  2. any verb outside the quote that governs it ("thanked Obama for “…”"), for quotes of 4
     words or more (a short one needs a speech verb, or it is a scare quote);
  3. a cue opening the next sentence (“…?” the 43-year-old asked) or a surface pattern next to
     the marks, where the parse failed;
  4. the sentence right before a quote that stands alone, if it has a speech verb with a
     subject ("Caddell continued:" ¶ “…”), or a transcript label ("PENCE: …"), or a headline
     "Name: … ‘…’";
  5. the previous quote, when nothing attributes it and no other person became the subject
     in between (“A,” he said. “B.”), unless a speech verb follows the quote in its own
     sentence (“…», has declared X): that quote is someone's, even if X could not be read.
A "he"/"she" that names no person is the speaker named just before (_previous_speaker);
a title ("the minister said") is the person introduced with it (quote_roles).
Scare quotes and titles are not quotes: fewer than 4 words with no attribution, or a quoted
title (every word capitalised, no sentence punctuation). Reported speech: quote_reported.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import TYPE_CHECKING

from newsfuse.analysis.entity_nlp import Segment
from newsfuse.analysis.quote_context import ArticleContext, QuoteMention, is_cue, sents_of
from newsfuse.analysis.quote_cues import CUE_FORMS, WEAK_CUES
from newsfuse.analysis.quote_marks import QuotedSpan
from newsfuse.analysis.quote_patterns import after_quote, before_quote
from newsfuse.analysis.quote_reported import reported
from newsfuse.analysis.quote_source import PERSONAL, Source

if TYPE_CHECKING:
    from spacy.tokens import Token

MIN_UNATTRIBUTED_WORDS = 4
_LABEL_COLON = re.compile(r"(?:^|\n)\s*([A-Z][A-Za-z.'’ -]{1,40}):\s*$")
# A headline "Name: … ‘quote’": the name before the colon said it.
_HEADLINE = re.compile(r"([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}): [^\n.!?]*")
# Right after a closing mark, within its sentence: "…,” said", "…», has declared", "…” the
# minister told": the quote's own attribution.
_CUE_WORDS = "|".join(sorted(CUE_FORMS, key=len, reverse=True))
_OWN_CUE = re.compile(rf"[ \t\xa0,]*(?:[\w’'-]+[ \t\xa0]+){{0,4}}?(?:{_CUE_WORDS})\b")
_SMALL_WORDS = "a an and as at be by for from in is are not of on or the to vs with"
_SMALL = frozenset(_SMALL_WORDS.split())


def _is_title(text: str) -> bool:
    """“Meet the Press”, “Orange Is the New Black”: a name in quotes, not a statement."""
    words = re.findall(r"[\w’'-]+", text)
    return (
        0 < len(words) <= 8
        and not re.search(r"[!?]$", text.strip())
        and all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL for w in words)
    )


def _first_content_token(para: Segment, lo: int, hi: int) -> Token | None:
    for sent in sents_of(para, lo, hi):
        for t in sent:
            if lo < t.idx < hi and not t.is_punct:
                return t
    return None


def _governing_verb(token: Token, lo: int, hi: int) -> Token | None:
    """The first verb above the quote that is outside it."""
    for _ in range(12):
        if token.head is token:
            return None
        token = token.head
        if not lo <= token.idx < hi and token.pos_ == "VERB":
            return token
    return None


def _from_parse(
    ctx: ArticleContext, para: Segment, q: QuotedSpan
) -> tuple[tuple[int, int], Source] | None:
    lo, hi = q.open - para.start, q.close + 1 - para.start
    sents = sents_of(para, lo, hi)
    cues = [
        t for s in sents for t in s if not ctx.inside_quote(para.start + t.idx) and is_cue(t, True)
    ]
    first = _first_content_token(para, lo, hi)
    governing = [v for v in cues if first is not None and first in v.subtree]
    ordered = (
        sorted(governing, key=lambda v: (v.lower_ in WEAK_CUES, abs(v.idx - lo)))
        + sorted((v for v in cues if v.idx >= hi), key=lambda v: v.idx)
        + sorted((v for v in cues if v.idx < lo), key=lambda v: -v.idx)
    )
    long_enough = len(ctx.text[q.start : q.end].split()) >= MIN_UNATTRIBUTED_WORDS
    verb = _governing_verb(first, lo, hi) if first is not None and long_enough else None
    if verb is not None and verb not in ordered:  # any verb, but not for scare quotes
        ordered.append(verb)
    following = [s for s in para.doc.sents if s.start_char >= hi and s.start_char - hi <= 2]
    if following:
        ordered.extend(t for t in following[0][:5] if is_cue(t, True))
    for verb in ordered:
        source = ctx.source_of(para, verb, (lo, hi))
        if source is not None:
            start = para.start + verb.idx
            return (start, start + len(verb.text)), source
    return None


def _from_surface(ctx: ArticleContext, q: QuotedSpan) -> tuple[tuple[int, int], Source] | None:
    text = ctx.text
    found = after_quote(text, q.close) if q.closed else None
    if found is None:
        sentence_start = ctx.sentences[ctx.sentence_index(q.open)]
        found = before_quote(text, sentence_start, q.open)
    if found is None:
        found_source = _from_previous_sentence(ctx, q)
        if found_source is not None:
            return found_source
        before = text[: q.open].rstrip()
        if before.endswith(":"):
            colon = len(before) - 1
            found = before_quote(text, ctx.sentences[ctx.sentence_index(colon)], colon + 1)
            label = _LABEL_COLON.search(text, max(0, colon - 60), colon + 1)
            if found is None and label:
                return (colon, colon + 1), ctx.source_at(label.start(1), label.end(1))
    if found is None:
        line_start = text.rfind("\n", 0, q.open) + 1
        line = _HEADLINE.fullmatch(text, line_start, q.open)
        if line is None:
            return None
        colon = line.end(1)
        return (colon, colon + 1), ctx.source_at(line.start(1), line.end(1))
    cue, (s, e) = found
    return cue, ctx.source_at(s, e)


def _from_previous_sentence(
    ctx: ArticleContext, q: QuotedSpan
) -> tuple[tuple[int, int], Source] | None:
    """A quote standing alone right after a sentence of speech: that sentence's speaker.

    "Cruz continued:" ¶ “…”, "X released the following statement:" ¶ “…”, or "Clinton
    responded, saying …" ¶ “…”: a speech verb (or, before a colon, any main verb) with a
    subject in the sentence that ends where the quote begins.
    """
    before = ctx.text[: q.open].rstrip()
    ends_sentence = re.search(r"[.!?:][”\"’']?$", before)
    if not ends_sentence or ctx.inside_quote(len(before) - 1):
        return None
    end = len(before) - 1
    para = ctx.segment_at(end)
    if para is None or not para.parsed:
        return None
    lo = end - para.start
    sent = next((s for s in para.doc.sents if s.start_char <= lo < s.end_char), None)
    if sent is None:
        return None
    verbs = [t for t in sent if is_cue(t, True) and not ctx.inside_quote(para.start + t.idx)]
    if before.endswith(":") and sent.root.pos_ == "VERB":
        verbs.append(sent.root)
    for verb in reversed(verbs):
        source = ctx.source_of(para, verb, (lo + 1, lo + 1))
        if source is not None and (source.name or source.pronoun):
            start = para.start + verb.idx
            return (start, start + len(verb.text)), source
    return None


def _continues(ctx: ArticleContext, previous: QuoteMention, q: QuotedSpan) -> bool:
    """A cue-less quote right after an attributed one, no other subject named in between.

    A quote followed by a speech verb of its own (“…», has declared X) is not cue-less, even
    where its speaker could not be read: it is someone's, not the previous speaker's.
    """
    gap = ctx.text[previous.end : q.open]
    if not previous.direct or len(re.findall(r"\n\s*", gap)) > 1 or len(gap) > 300:
        return False
    if q.closed and _OWN_CUE.match(ctx.text, q.close + 1, q.close + 60):
        return False
    speaker = previous.source.name if previous.source else None
    return all(
        n.text == speaker or not n.subject or n.label != "PERSON"
        for n in ctx.names
        if previous.end <= n.start < q.open
    )


def find_mentions(
    text: str, segments: list[Segment], people: Collection[str] = ()
) -> list[QuoteMention]:
    """Every attributed statement of one article, in text order.

    `people` are the story's known person names (entity aliases), which help resolve pronouns.
    """
    ctx = ArticleContext(text, segments, people)
    mentions: list[QuoteMention] = []
    previous: QuoteMention | None = None
    for q in ctx.quotes:
        mention = QuoteMention(q.start, q.end, text[q.start : q.end], True)
        para = ctx.segment_at(q.open)
        found = _from_parse(ctx, para, q) if para is not None and para.parsed else None
        found = found or _from_surface(ctx, q)
        words = len(mention.text.split())
        if found is not None:
            mention.attribute(found[0], found[1], text)
        elif (
            previous is not None
            and (words >= MIN_UNATTRIBUTED_WORDS or mention.text.endswith((".", "!", "?")))
            and _continues(ctx, previous, q)
        ):
            mention.cue, mention.cue_start, mention.cue_end = (
                previous.cue,
                previous.cue_start,
                previous.cue_end,
            )
            mention.source = previous.source
        if _is_title(mention.text):
            continue
        if mention.source is not None or words >= MIN_UNATTRIBUTED_WORDS:
            mentions.append(mention)
            previous = mention if mention.source is not None else None
    for para in segments:
        if para.parsed:
            mentions.extend(reported(ctx, para))
    mentions.sort(key=lambda m: m.start)
    _previous_speaker(ctx, mentions)
    return mentions


def _previous_speaker(ctx: ArticleContext, mentions: list[QuoteMention]) -> None:
    """ "Varga, 54, said she … “…,” she wrote.": a "he"/"she" with no person named before it
    (the NER model took the name for an organisation) is the speaker of the statement just
    before, if one was named in this or the previous sentence. Writers say "she" of a
    person, so that speaker is one whatever its label (unfamiliar surnames come out as
    organisations or places); a nationality or a building is not."""
    places = {n.text for n in ctx.names if n.label in ("NORP", "FAC")}
    last: tuple[int, str] | None = None  # (sentence, name) of the latest named speaker
    for m in sorted(mentions, key=lambda m: m.cue_start if m.cue_start >= 0 else m.start):
        source = m.source
        if source is None:
            continue
        here = ctx.sentence_index(source.start)
        if source.pronoun and source.name is None and source.text.lower() in PERSONAL:
            if last is not None and here - last[0] <= 1:
                m.source = Source(source.start, source.end, source.text, last[1], True)
        elif source.name and not source.pronoun and source.name not in places:
            last = (here, source.name)
