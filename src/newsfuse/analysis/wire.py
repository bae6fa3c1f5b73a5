"""Wire-agency credits: who an outlet says its text, or one passage of it, came from.

Two kinds of credit mean different things. A byline credit ("SEOUL (AP) —", "By Reuters",
"— AFP" at the end, "with inputs from PTI") marks the whole article as syndicated copy: every
outlet printing it is one source. An in-text attribution ("KCNA reported", "according to
Xinhua", "quoting news agency Reuters") credits only the sentence it stands in: two outlets
that each relay a KCNA report share an origin for that passage, and for nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Canonical name -> pattern. Acronyms are matched case-sensitively so "ap" or "afp" inside
# ordinary words never count.
AGENCIES: dict[str, str] = {
    "AP": r"\bAP\b|\bAssociated Press\b",
    "Reuters": r"\bReuters\b",
    "AFP": r"\bAFP\b|\bAgence France[- ]Presse\b",
    "Xinhua": r"\bXinhua\b",
    "KCNA": r"\bKCNA\b|\bKorean Central News Agency\b",
    "Yonhap": r"\bYonhap\b",
    "TASS": r"\bTASS\b|\bTass\b",
    "RIA Novosti": r"\bRIA(?: Novosti)?\b",
    "Interfax": r"\bInterfax\b",
    "Kyodo": r"\bKyodo\b",
    "dpa": r"\bdpa\b|\bDeutsche Presse-Agentur\b",
    "PTI": r"\bPTI\b|\bPress Trust of India\b",
    "ANI": r"\bANI\b|\bAsian News International\b",
    "IANS": r"\bIANS\b",
    "EFE": r"\bEFE\b",
    "ANSA": r"\bANSA\b",
    "Anadolu": r"\bAnadolu(?: Agency)?\b",
    "Bernama": r"\bBernama\b",
    "Antara": r"\bAntara\b",
    "IRNA": r"\bIRNA\b",
    "SANA": r"\bSANA\b",
    "WAFA": r"\bWAFA\b",
    "Sputnik": r"\bSputnik\b",
    "UPI": r"\bUPI\b|\bUnited Press International\b",
    "PA Media": r"\bPA Media\b|\bPress Association\b",
    "Bloomberg": r"\bBloomberg News\b",
}
_ANY = re.compile("|".join(f"(?P<g{i}>{p})" for i, p in enumerate(AGENCIES.values())))
_NAMES = list(AGENCIES)
# Words that make a mention an attribution rather than a story about the agency itself.
_CUE = re.compile(
    r"\b(?:according|quot\w*|cit\w*|report\w*|said|says|say|told|tells|stated|announced|"
    r"agency|agencies|media|wire|news|via|per|carried)\b",
    re.IGNORECASE,
)
_HEAD_BEFORE = re.compile(r"(?:\(|\bby\s+(?:the\s+)?)$", re.IGNORECASE)
_HEAD_AFTER = re.compile(r"^\)?\s*(?:[—–:-]|$)")
_TAIL_BEFORE = re.compile(
    r"(?:[—–(-]|©|copyright|source:|inputs from|reporting by|by)\s*(?:the\s+)?$", re.IGNORECASE
)
_TAIL_AFTER = re.compile(r"^\)?\s*(?:(?:[\w.]+\s+){0,4}contributed\b|$)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Credit:
    agency: str
    start: int
    end: int
    byline: bool  # credits the whole article, not one passage


def _line(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a mention on its own line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:start], text[end : len(text) if line_end < 0 else line_end]


def _is_byline(text: str, start: int, end: int) -> bool:
    """A credit line at the head ("SEOUL (AP) —", "By Reuters") or foot ("— AFP")."""
    before, after = _line(text, start, end)
    if start < 200 and len(before) < 60 and _HEAD_BEFORE.search(before.rstrip()):
        return bool(_HEAD_AFTER.match(after))
    if len(text) - end < 200 and len(before) + len(after) < 120:
        return bool(_TAIL_BEFORE.search(before.rstrip()) or before.strip() == "") and bool(
            _TAIL_AFTER.match(after.strip())
        )
    return False


def find_credits(text: str) -> list[Credit]:
    """Every agency credit in the text; mentions without an attribution cue are skipped."""
    return list(_credits(text))


@lru_cache(maxsize=1024)
def _credits(text: str) -> tuple[Credit, ...]:
    found: list[Credit] = []
    for m in _ANY.finditer(text):
        name = _NAMES[int(next(k for k, v in m.groupdict().items() if v)[1:])]
        byline = _is_byline(text, m.start(), m.end())
        window = text[max(0, m.start() - 60) : m.end() + 60]
        if byline or _CUE.search(window) or text[m.start() - 1 : m.start()] == "(":
            found.append(Credit(name, m.start(), m.end(), byline))
    return tuple(found)


def agencies(credits: list[Credit]) -> list[str]:
    """Distinct agency names in order of first credit."""
    return list(dict.fromkeys(c.agency for c in credits))
