"""Titles that stand in for a speaker's name: "Kremlin spokesman Dmitry Peskov" ... "the spokesman".

News introduces a person once with a title, as a compound before the name ("Transport
Minister Jonas Feld") or in apposition ("The mayor of Pellow Ford, Corin Asheby", "Anselm
Kruger, a hydrologist at ..."), and later names them by the bare title with a definite
article or a possessive: "according to the spokesman", "the minister said", "its chairman
said". Such a source phrase names nobody; it is resolved to the latest person introduced
with that title earlier in the article. Titles are read from the surface around each person
name, so sentences that were not parsed count too; a stray "title" ("met Putin" -> "met")
is harmless, since only a noun heading a definite source phrase is ever looked up.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from newsfuse.analysis.quote_source import NameMention

# "Kremlin spokesman |Dmitry Peskov"; not "Secretary of State |Antony Blinken"
_WORD_BEFORE = re.compile(r"(?:^|(\S+)\s+)([A-Za-z][a-z-]+)\s+$")
# "the mayor of Pellow Ford, |Corin Asheby", "Its chairman, |Halvard Minto"
_APPOSITION_BEFORE = re.compile(
    r"\b(?:[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[Aa]n?)\s+(?:[\w'’-]+\s+){0,3}?([a-z][a-z-]+)"
    r"(?:\s+(?:of|for|at|in)\s+[^,;.]{1,50})?,\s+$"
)
# "Anselm Kruger|, a hydrologist at the University", "Varga|, the bank's chief executive,"
_APPOSITION_AFTER = re.compile(
    r",\s+(?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)\s+(?:[\w'’-]+\s+){0,3}?([a-z][a-z-]+)"
    r"(?=\s+(?:of|for|at|in|to|with|who)\b|\s*[,.;])"
)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[\"“‘A-Z]|$)|\n")
# Words that make a title another office: "vice", "former" ... must agree both ways.
_RANK = frozenset({"vice", "deputy", "assistant", "acting", "former", "interim", "associate", "ex"})
# Where a title before a name begins: after a clause break, a conjunction or a verb-like word.
_TITLE_RUN = re.compile(r"[,;:()“”\"]|\s(?:and|or|but|with|as|by|to|said|says|told)\s")
# "his lawyer", "her son": the office of whichever person the pronoun is, not a title.
_DETERMINERS = frozenset({"the", "its", "whose"})
_PREPOSITIONS = frozenset({"of", "for", "at", "in", "from", "with", "on"})


@dataclass(frozen=True, slots=True)
class Title:
    start: int  # article offset of the person's name
    role: str  # the title's head noun, lower-cased
    name: str
    context: frozenset[str]  # words of the title around the name, lower-cased


def titles(text: str, names: Sequence[NameMention]) -> list[Title]:
    """Every (title, person) introduction in the article, in text order."""
    found: list[Title] = []
    for n in names:
        if n.label != "PERSON":
            continue
        before = _SENTENCE_END.split(text[max(0, n.start - 120) : n.start])[-1]
        roles: list[str] = []
        said = ""  # the words of the title, for qualifiers ("Republican nominee")
        apposed = _APPOSITION_BEFORE.search(before)
        if apposed:
            roles.append(apposed.group(1).lower())
            said += apposed.group(0)
        else:
            run = _TITLE_RUN.split(before)[-1]  # "... and |Democratic nominee |Alma Ruiz"
            word = _WORD_BEFORE.search(run)
            if word and (word.group(1) or "").lower() != "of":
                roles.append(word.group(2).lower())
                said += run
        after = _APPOSITION_AFTER.match(text, n.end, n.end + 120)
        if after:
            roles.append(after.group(1))
            said += after.group(0)
        if not roles:
            continue
        context = frozenset(_words(said))
        name = re.sub(r"['’]s?$", "", n.text)  # "nominee Donald Trump’s campaign"
        found.extend(Title(n.start, role, name, context) for role in dict.fromkeys(roles))
    return found


def _words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", text.replace("’", "'"))]


def title_holder(found: Sequence[Title], phrase: str, before: int) -> str | None:
    """The person a definite title phrase ("the spokesman") refers to, named before offset
    `before`; None when the phrase is not one or no one was introduced with that title."""
    words = phrase.split()
    if len(words) < 2 or not (words[0].lower() in _DETERMINERS or words[0].endswith(("'s", "’s"))):
        return None  # "a spokesman" introduces someone new; a name is resolved elsewhere
    head = next((k for k, w in enumerate(words) if w.lower() in _PREPOSITIONS), len(words))
    role = words[head - 1] if 1 <= head - 1 < 5 else ""
    if not role.isalpha() or not role.islower() or (role.endswith("s") and role[-2:] != "ss"):
        return None  # "the senators" are several people, not the one named "Senator X"
    # "The Democratic nominee" is not the person introduced as "Republican nominee X": every
    # word that qualifies the title ("former", "Clinton's") must have come with it.
    qualifiers = set(_words(" ".join(words[: head - 1]))) - _DETERMINERS - {"s"}
    k = bisect_left([t.start for t in found], before)
    return next(
        (
            t.name
            for t in reversed(found[:k])
            if t.role == role and qualifiers <= t.context and t.context & _RANK <= qualifiers
        ),
        None,
    )
