"""What the clutter classifier sees of a line: its shape, its words, its place, its neighbours.

Shared by the classifier and its training script (eval/train_clutter.py), so both always
compute the same vector. Everything is cheap string arithmetic (str methods, set lookups,
a few compiled regexes run only on the opening of a line), because the classifier runs
on every line of every plain-text article. Values are scaled to roughly [0, 1] so one
logistic regression with no separate scaler can use them.
"""

from __future__ import annotations

import math
import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words of web page furniture: comment boxes, sharing, navigation, subscriptions, ads.
# A feature, not a block list: the learned weights decide how much each hit counts.
UI_WORDS = _words(
    """
    about account ad ads advert advertise advertisement advertising ago all also app apps
    archive article articles author back bookmark bookmarks browse buy by cancel category
    categories click close comment commented comments connect connected contact continue
    cookie cookies copy copyright credit credits download e-mail edit email enter facebook
    feed follow followers free full gallery getty google home image images instagram join
    latest license like likes link linkedin live load loading log login logout mail menu
    message min minute more most name newer newsletter newsletters next notifications
    now older open password photo photos pinterest please podcast policy popular post
    posted posts premium previous print privacy profile read recent recommended register
    related reply reserved rights rss save search see share shares show sign site sitemap
    skip sponsored stay story stories submit subscribe subscriber subscription tags terms
    top topics trending tweet twitter up updates video videos view views watch website
    whatsapp your youtube
    commentaire commentaires partager lire aussi abonnez kommentar kommentare teilen mehr
    lesen auch compartir comentario comentarios leer más también condividi commenta leggi
    """
)
# The commonest function words of a few languages: running prose is full of them.
FUNCTION_WORDS = _words(
    """the of and to in a is that for on was with as it at by from he she they his her
    their be has have had are were which who but not this an its or will would said
    le la les de des du et un une est en que qui dans pour der die das und ist den mit
    von el los las del y por con se il di che è per"""
)
# Words that address the reader, as calls to action do.
READER_WORDS = _words("you your you're yours yourself please")
# Imperatives that open calls to action ("Read more", "Sign up", "Leave a comment").
CTA_WORDS = _words(
    """back browse buy click comment continue download enter explore follow get join leave
    like load log login post read register save see share show sign skip subscribe support
    tap try view visit watch"""
)
PROBE = 120  # characters of a line that the character-level features read
_STRIP = "\"'“”‘’«»()[]{}.,;:!?*"
_PUNCT = re.compile(r"[^\w\s]")
_COUNT = re.compile(r"\(\d+\)|^\d+\s|\s\d+$")
_LABEL = re.compile(r"^[^\W\d_][\w' ]{0,24}:\s*\S")
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2} ?[ap]\.?m\b", re.I)
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d", re.I)
_CLOSERS = "\"'”’»)]*"
_SENT_END = frozenset(".!?…。！？")
_BULLETS = frozenset("•·-–—*►▶>|»")
_OPEN_QUOTES = frozenset("\"'“‘«")
_SEPARATORS = ("|", "»", "›", "•", "·", " / ")
_TRUNCATED = ("...", "…", "[…]", "[...]")
_NO_DIGITS = str.maketrans("", "", "0123456789")

LINE_NAMES = [
    "bias_one", "chars", "words", "w1", "w2", "w3_4", "w5_7", "w8_12", "w13_20", "w21_40",
    "w41", "end_sent", "end_colon", "end_alnum", "start_upper", "start_lower", "start_digit",
    "start_bullet", "start_quote", "cap_ratio", "all_caps", "digit_ratio", "punct_ratio",
    "sentences", "separator", "url", "count", "copyright", "label_colon", "ui_hits",
    "ui_ratio", "ui_first", "lower_token", "repeated", "function", "reader", "cta_first",
    "clock", "month", "truncated", "byline",
]  # fmt: skip
CONTEXT_NAMES = [
    "rel_pos", "first", "last", "from_start", "from_end", "before_prose", "after_prose",
    "prose_near", "prev_words", "next_words", "prev_sent", "next_sent", "prev_ui", "next_ui",
    "short_ui", "short_nosent", "tail_short", "head_short", "run", "run_edge", "gap_up",
    "gap_down", "sandwich",
]  # fmt: skip
NAMES = LINE_NAMES + CONTEXT_NAMES


class LineShape:
    """One line's own features, and the facts its neighbours' context features need."""

    __slots__ = ("prose", "sent", "tier", "ui", "vector", "words")

    def __init__(self, line: str, repeated: bool) -> None:
        size = len(line)
        # Character-level and vocabulary features read only the opening of a long line:
        # they matter for short lines, and a paragraph's first 25 words tell as much.
        probe = line if size <= PROBE else line[:PROBE]
        split = line.split()
        n = len(split)
        if n <= 2 and size > 20 and not line.isascii():
            n = size // 3  # Chinese or Japanese: no spaces, roughly a word per 2-3 characters
        tokens = split if size <= PROBE else probe.split()
        k = len(tokens) or 1
        low = probe.lower()
        vocabulary = {token.strip(_STRIP) for token in low.split()}  # distinct words
        ui = len(vocabulary & UI_WORDS) if n <= 12 else 0  # menu words in prose are words
        func = len(vocabulary & FUNCTION_WORDS)
        reader = len(vocabulary & READER_WORDS)
        caps = sum([token[0].isupper() for token in tokens])
        first_word = tokens[0].lower().strip(_STRIP) if tokens else ""
        last = line.rstrip(_CLOSERS)[-1:]
        first = line[0]
        digits = len(probe) - len(probe.translate(_NO_DIGITS))
        self.words = n
        self.sent = last in _SENT_END
        self.ui = ui > 0
        self.prose = n >= 15 and self.sent
        # 2 a paragraph, 1 a sentence, 0 anything else: removing text costs more the more
        # it reads like prose, so the classifier needs more certainty to remove it.
        self.tier = 2 if self.prose else int(self.sent and n >= 4 and not first.islower())
        self.vector: list[float | bool] = [
            1.0,
            min(math.log1p(size) / 7.0, 1.0),
            min(math.log1p(n) / 5.0, 1.0),
            n <= 1,
            n == 2,
            3 <= n <= 4,
            5 <= n <= 7,
            8 <= n <= 12,
            13 <= n <= 20,
            21 <= n <= 40,
            n > 40,
            self.sent,
            last == ":",
            last.isalnum(),
            first.isupper(),
            first.islower(),
            first.isdigit(),
            first in _BULLETS,
            first in _OPEN_QUOTES,
            caps / k,
            line.isupper(),
            digits / len(probe),
            min(len(_PUNCT.findall(probe)) / len(probe) * 4.0, 1.0),
            min((line.count(". ") + line.count("? ") + line.count("! ")) / 4.0, 1.0),
            any(sep in probe for sep in _SEPARATORS),
            "http" in probe or "www." in probe or "@" in probe,
            digits > 0 and _COUNT.search(probe) is not None,
            "©" in probe or "copyright" in low or "reserved" in low,
            _LABEL.match(probe) is not None,
            min(ui / 3.0, 1.0),
            ui / k,
            first_word in UI_WORDS,
            n == 1 and size <= 20 and line.islower(),
            repeated,
            func / k,
            min(reader / k * 3.0, 1.0),
            n <= 12 and first_word in CTA_WORDS,
            digits > 0 and _CLOCK.search(probe) is not None,
            digits > 0 and _MONTH.search(probe) is not None,
            line.endswith(_TRUNCATED),
            first_word == "by" and n <= 8,
        ]


def shapes(lines: list[str]) -> list[LineShape]:
    keys = [line.lower() for line in lines]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [LineShape(line, counts[key] > 1) for line, key in zip(lines, keys, strict=True)]


def features(lines: list[str], shp: list[LineShape] | None = None) -> list[list[float | bool]]:
    """One vector per line, in the order of NAMES (bools stand for 0.0/1.0)."""
    if shp is None:
        shp = shapes(lines)
    n = len(shp)
    prose = [s.prose for s in shp]
    prose_at = [i for i, p in enumerate(prose) if p]
    first_prose = prose_at[0] if prose_at else n
    last_prose = prose_at[-1] if prose_at else -1
    # Runs of consecutive non-paragraph lines: link lists and comment boxes are long runs,
    # a subheading is a run of one between paragraphs.
    run_start = [0] * n
    for i in range(1, n):
        run_start[i] = i if prose[i] or prose[i - 1] else run_start[i - 1]
    run_end = [n - 1] * n
    for i in range(n - 2, -1, -1):
        run_end[i] = i if prose[i] or prose[i + 1] else run_end[i + 1]
    span = max(n - 1, 1)
    out: list[list[float | bool]] = []
    for i, s in enumerate(shp):
        prev = shp[i - 1] if i > 0 else None
        nxt = shp[i + 1] if i + 1 < n else None
        near = sum(prose[max(0, i - 2) : i]) + sum(prose[i + 1 : i + 3])
        short = s.words <= 4
        after = i > last_prose
        before = i < first_prose
        run = run_end[i] - run_start[i] + 1
        up = i - run_start[i] + 1 if run_start[i] > 0 else 9
        down = run_end[i] - i + 1 if run_end[i] < n - 1 else 9
        out.append(
            [
                *s.vector,
                i / span,
                i == 0,
                i == n - 1,
                min(math.log1p(i) / 4.0, 1.0),
                min(math.log1p(n - 1 - i) / 4.0, 1.0),
                before,
                after,
                near / 4.0,
                min(math.log1p(prev.words) / 5.0, 1.0) if prev else 0.0,
                min(math.log1p(nxt.words) / 5.0, 1.0) if nxt else 0.0,
                prev.sent if prev else 0.0,
                nxt.sent if nxt else 0.0,
                prev.ui if prev else 0.0,
                nxt.ui if nxt else 0.0,
                short and s.ui,
                short and not s.sent,
                after and not s.prose,
                before and short,
                0.0 if s.prose else min(math.log1p(run) / 3.0, 1.0),
                not s.prose and (run_start[i] == 0 or run_end[i] == n - 1),
                min(up, 9) / 9.0,
                min(down, 9) / 9.0,
                not s.prose and up <= 2 and down <= 2,
            ]
        )
    return out
