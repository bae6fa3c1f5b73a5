"""Clean stage: RawDoc -> Article (main text, title, date, URL, language; clutter aside).

Also the text utilities other stages share: sentence offsets and date normalisation.
"""

from __future__ import annotations

from newsfuse.clean.article import clean
from newsfuse.clean.dates import parse_date
from newsfuse.clean.sentences import split_sentences

__all__ = ["clean", "parse_date", "split_sentences"]
