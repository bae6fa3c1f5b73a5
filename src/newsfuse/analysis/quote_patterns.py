"""Surface patterns of attribution next to a quotation mark, for when the parse fails.

The small spaCy model sometimes parses "“…?” the 43-year-old asked" with no subject for the
verb; the surface form is so regular in news that a pattern recovers it: a short noun phrase
and a cue verb right after the closing mark (or the inverse, "said Mr. Kim"), or right before
the opening mark ("He added: “…”").
"""

from __future__ import annotations

import re

from newsfuse.analysis.quote_cues import CUE_FORMS

_CUE = "|".join(sorted(CUE_FORMS, key=len, reverse=True))
_PRONOUN = r"(?:he|she|they|it|we|I|He|She|They|It|We)"
_NAME = r"(?:[A-Z][\w’'.-]*)(?:\s+(?:[A-Z][\w’'.-]*|of|de|van|von|al|bin))*"
_DET_NP = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Oo]ne|[Aa]nother)(?:\s+[\w’'-]+){1,4}?"
_SOURCE = rf"(?P<src>{_PRONOUN}|{_NAME}|{_DET_NP})"
_AFTER = re.compile(rf"[ \t\xa0,]*{_SOURCE}\s+(?:also\s+|later\s+|then\s+)?(?P<cue>{_CUE})\b")
# "“…,” said Mr. Kim"; also with a perfect tense, as translated news writes it ("«…», has
# declared the minister"): a speech verb right after the quote takes its subject after it.
_INVERTED_CUES = (
    "said|says|added|asked|wrote|continued|explained|recalled|declared|stated|insisted|"
    "replied|answered|affirmed|admitted|confirmed|concluded|promised|warned"
)
_AFTER_INVERTED = re.compile(
    rf"[ \t\xa0,]*(?:(?:has|have|had)\s+)?(?P<cue>{_INVERTED_CUES})\s+"
    rf"(?P<src>{_NAME}|{_DET_NP}(?=[\s,.]))"
)
_BEFORE = re.compile(
    rf"(?:^|\n|[.;!?]\s+|,\s+)(?P<src>{_PRONOUN}|{_NAME}|{_DET_NP})\s+(?:also\s+|later\s+|then\s+)?"
    rf"(?P<cue>{_CUE})(?:\s+[\w’'-]+){{0,3}}?\s*[,:]?\s*$"
)


def _cue_words_in(source: str) -> bool:
    return any(w.lower() in CUE_FORMS for w in source.split())


def after_quote(text: str, close: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """((cue start, end), (source start, end)) right after a closing mark at `close`."""
    window = text[close + 1 : close + 120]
    for pattern in (_AFTER, _AFTER_INVERTED):
        m = pattern.match(window)
        if m and not _cue_words_in(m.group("src")):
            base = close + 1
            return (base + m.start("cue"), base + m.end("cue")), (
                base + m.start("src"),
                base + m.end("src"),
            )
    return None


def before_quote(text: str, lo: int, open_: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The same for a cue introducing the quote, searched in text[lo:open_]."""
    base = max(lo, open_ - 120)
    m = _BEFORE.search(text[base:open_])
    if m and not _cue_words_in(m.group("src")):
        cue = (base + m.start("cue"), base + m.end("cue"))
        return cue, (base + m.start("src"), base + m.end("src"))
    return None
