"""Name normalisation: the keys under which different spellings of one name meet.

"Kim Jong-un", "KIM JONG UN" and "Mr. Kim Jong Un's" must compare equal, while the surface
forms themselves are kept as aliases for the reader.
"""

from __future__ import annotations

import re
import unicodedata

# Titles that precede a person's name and do not belong to it (compared without dots).
_HONORIFICS_WORDS = (
    "mr mrs ms miss mx dr prof sir dame lord lady madam president premier chancellor "
    "senator sen rep representative gov governor gen general col colonel lt capt captain "
    "adm admiral sgt king queen prince princess pope rev reverend father sheikh judge "
    "justice mayor minister secretary ambassador chairman chairwoman ceo comrade marshal "
    "leader dictator vice deputy"
)
HONORIFICS = frozenset(_HONORIFICS_WORDS.split())
_TWO_WORD_TITLES = (("prime", "minister"), ("foreign", "minister"), ("supreme", "leader"))
_ARTICLES = frozenset({"the", "a", "an"})
_ACRONYM_STOP = frozenset({"of", "the", "and", "for", "&", "de", "du", "la", "in", "on", "at"})
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_ACRONYM = re.compile(r"^(?:[A-Z]\.){2,6}$|^[A-Z]{2,6}s?$|^[A-Z]{1,3}&[A-Z]{1,3}$")


def fold(text: str) -> str:
    """Lower case without diacritics: "Žižek" and "Zizek" are the same name in two alphabets."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def clean_surface(text: str) -> str:
    """A mention as an alias: one line, no possessive, no surrounding punctuation."""
    text = " ".join(text.split())
    if _ACRONYM.match(text):
        return text
    text = _POSSESSIVE.sub("", text) if len(text) > 3 else text
    text = _EDGE.sub("", text)
    if text.endswith(".") and not _ACRONYM.match(text):
        text = text.rstrip(".")
    return text


def tokens(text: str) -> list[str]:
    """Folded word tokens; hyphens and dots separate or vanish ("Jong-un", "U.N.")."""
    folded = fold(text).replace(".", "").replace("’", "'")
    return [t for t in re.split(r"[\s\-‐–]+", folded) if t and re.search(r"\w", t)]


def strip_titles(toks: list[str]) -> list[str]:
    """Drop leading titles ("president", "mr", "prime minister") while a name remains."""
    out = list(toks)
    while len(out) > 1:
        if tuple(out[:2]) in _TWO_WORD_TITLES and len(out) > 2:
            out = out[2:]
        elif out[0] in HONORIFICS:
            out = out[1:]
        else:
            break
    return out


def name_key(text: str, person: bool) -> tuple[str, ...]:
    """The comparison key of a name; titles are stripped only from people's names."""
    toks = tokens(clean_surface(text))
    while len(toks) > 1 and toks[0] in _ARTICLES:
        toks = toks[1:]
    if person:
        toks = strip_titles(toks)
    return tuple(t.rstrip("'") for t in toks)


def has_title(text: str) -> bool:
    toks = tokens(text)
    return len(toks) > 1 and toks[0] in HONORIFICS


def acronym(text: str) -> str | None:
    """The letters of an acronym form ("U.N." -> "UN"), or None for an ordinary word."""
    surface = clean_surface(text)
    if not _ACRONYM.match(surface):
        return None
    letters = surface.replace(".", "").replace("&", "")
    return letters[:-1] if letters.endswith("s") and len(letters) > 2 else letters


def initials(key: tuple[str, ...]) -> str:
    """Upper-case initials of a multi-word name, skipping function words ("of", "the")."""
    return "".join(t[0] for t in key if t not in _ACRONYM_STOP).upper()


def is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """`short` is a contiguous run of `long`, or keeps its first and last words in order."""
    n = len(short)
    if n >= len(long):
        return False
    if any(long[i : i + n] == short for i in range(len(long) - n + 1)):
        return True
    if n < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    it = iter(long)
    return all(t in it for t in short)
