"""Reported speech: a cue verb with a clause as its complement, outside quotation marks.

"X said (that) …", "…, X told reporters", "according to X, …". The clause is the content and
the verb's subject the source; a clause that is partly quoted is left to the direct quote.
"""

from __future__ import annotations

from newsfuse.analysis.entity_nlp import Segment
from newsfuse.analysis.quote_context import ArticleContext, QuoteMention, is_cue

MIN_TOKENS = 3


def reported(ctx: ArticleContext, para: Segment) -> list[QuoteMention]:
    found = []
    for verb in para.doc:
        if not is_cue(verb, weak_ok=False) or ctx.inside_quote(para.start + verb.idx):
            continue
        if verb.lower_ == "according":
            skip = {t.i for t in verb.subtree}
            tokens = [t for t in verb.head.subtree if t.i not in skip]
        else:
            comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            if comp is None:
                continue
            tokens = list(comp.subtree)
        tokens = [t for t in tokens if not (t.is_punct or t.is_space)]
        while tokens and tokens[0].tag_ in ("WDT", "WP"):
            tokens = tokens[1:]  # "which he said could ...": the relative word is not said
        if len(tokens) < MIN_TOKENS:
            continue
        lo, hi = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        start, end = para.start + lo, para.start + hi
        if any(q.open < end and q.close > start for q in ctx.quotes):
            continue  # partly quoted: the direct quote stands for it
        source = ctx.source_of(para, verb, (lo, hi))
        if source is None:
            continue
        mention = QuoteMention(start, end, ctx.text[start:end], False)
        cue_start = para.start + verb.idx
        mention.attribute((cue_start, cue_start + len(verb.text)), source, ctx.text)
        found.append(mention)
    return found
