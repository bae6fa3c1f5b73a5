"""Tell web clutter from article text, line by line, in already-scraped plain text.

A learned model, not a list of phrases: a logistic regression (weights in
clutter_model.json, trained on real pages by eval/train_clutter.py) over the line's shape,
words, place and neighbours (features.py): clutter comes in runs (comment boxes, link
lists) while a lone short line between paragraphs is usually a subheading. A few rules
that hold on any site then catch what a line-local model cannot: "ALSO READ: <other
story>" teasers, stray tag tokens before the article starts, and the rest of a comment
box once one part of it was recognised after the last paragraph. Full paragraphs need a
higher score to go, since losing real text costs more than keeping a stray line.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np

from newsfuse.clean.features import NAMES, LineShape, features, shapes

# "ALSO READ: <headline>", "Related: ...", "Read more »": labels that introduce other pages.
_TEASER = re.compile(
    r"^\W*(?:also read|read also|read more|more|see also|also see|related(?: \w+)?|"
    r"recommended(?: \w+)?|must read|don'?t miss|watch|listen|trending|more from [\w ]{1,30}|"
    r"more on [\w ]{1,30}|further reading|suggested(?: \w+)?|popular|latest|read next|"
    r"lire aussi|à lire aussi|lesen sie auch|mehr zum thema|lee también|leggi anche)"
    r"\s*(?::|»|›|>|\||-\s|–|—)",
    re.I,
)


# "- Advertisement -", "ADVERTISING", "[Sponsored]", "Anzeige", "Publicité".
_AD_MARKER = re.compile(
    r"^\W*(?:advertisement|advertising|advert|ad|ads|sponsored(?: content)?|anzeige|"
    r"werbung|publicité|publicidad|pubblicità|reklama|story continues below advertisement)"
    r"\W*$",
    re.I,
)


class Model(NamedTuple):
    weights: np.ndarray
    thresholds: tuple[float, float, float]  # for a line, a sentence, a paragraph
    weight_list: tuple[float, ...] = ()  # the same weights, for the pure-Python dot product


@lru_cache(maxsize=1)
def model() -> Model:
    data = json.loads(
        resources.files("newsfuse.clean").joinpath("clutter_model.json").read_text("utf-8")
    )
    if data["names"] != NAMES:
        raise RuntimeError("clutter_model.json does not match the features; rerun training")
    cut = data["thresholds"]
    weights = [float(w) for w in data["weights"]]
    return Model(
        np.asarray(weights, dtype=np.float64),
        (float(cut["line"]), float(cut["sentence"]), float(cut["paragraph"])),
        tuple(weights),
    )


def scores(lines: list[str], shp: list[LineShape] | None = None) -> list[float]:
    """Probability that each line is clutter.

    A plain-Python dot product: articles have a handful of lines, and building a numpy
    array for them cost more (~50 us an article) than the arithmetic itself.
    """
    weights = model().weight_list
    out = []
    for row in features(lines, shp):
        z = sum(map(operator.mul, row, weights))
        out.append(1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0)
    return out


def is_teaser(line: str) -> bool:
    return _TEASER.match(line) is not None


def is_ad_marker(line: str) -> bool:
    """A line that only says "Advertisement" (with any decoration around it)."""
    return len(line) <= 40 and _AD_MARKER.match(line) is not None


def clutter_mask(lines: list[str]) -> list[bool]:
    """True for each line to remove."""
    if not lines:
        return []
    shp = shapes(lines)
    return decide(lines, shp, scores(lines, shp), model().thresholds)


def decide(
    lines: list[str],
    shp: list[LineShape],
    p: Sequence[float] | np.ndarray,
    thresholds: Sequence[float],
) -> list[bool]:
    """The classifier's scores, then the structural rules, turned into remove/keep."""
    mask = [
        bool(p[i] >= thresholds[s.tier]) or is_teaser(line) or is_ad_marker(line)
        for i, (line, s) in enumerate(zip(lines, shp, strict=True))
    ]
    if all(mask):  # a text with a long line is not all furniture: keep its long lines
        mask = [s.words < 15 for s in shp]
    prose_at = [i for i, s in enumerate(shp) if s.prose and not mask[i]]
    first = prose_at[0] if prose_at else len(lines)
    last = prose_at[-1] if prose_at else -1
    for i in range(first):  # stray tag tokens ("kims") above the article
        if shp[i].words == 1 and lines[i].islower() and len(lines[i]) <= 20:
            mask[i] = True
    if last >= 0:  # without a paragraph there is no "after the article"
        _sweep_tail(shp, mask, last)
    return mask


def _sweep_tail(shp: list[LineShape], mask: list[bool], last: int) -> None:
    """Past the last paragraph, once clutter starts, short lines after it belong to it."""
    started = False
    for i in range(last + 1, len(shp)):
        if mask[i]:
            started = True
        elif started and not (shp[i].sent and shp[i].words >= 6):
            mask[i] = True
