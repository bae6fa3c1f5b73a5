"""Fingerprints of article text: an exact key and a MinHash signature.

Signatures are explicit arrays (one uint32 row per article) rather than library objects so
that they can be stored, shipped to Dask workers and banded with plain numpy. Everything
past the word split works on whole batches of articles at once (one flat array of word
hashes with row offsets), because per-article numpy calls cost more than the hashing itself
at the rates dedup must keep up with (> 10,000 articles/s).
"""

from __future__ import annotations

import hashlib
import re
import string
from itertools import chain

import numpy as np
from rensa import RMinHash

SHINGLE = 5  # words per shingle: long enough that shared shingles mean shared passages
SEED = 20231213
_ASCII_PUNCT = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
# Typographic punctuation that separates words. Only non-ASCII texts can contain it, and one
# regex pass over those is ~2x faster than fifteen bytes.replace scans (measured).
_UNICODE_PUNCT = re.compile("[“”‘’«»„‚—–…·•\u00a0\u2009\u200b]")
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: mixes positions into the hash


def words(text: str) -> list[bytes]:
    """Case- and punctuation-insensitive words of a text, as UTF-8 bytes."""
    folded = text.casefold()
    if not folded.isascii():
        folded = _UNICODE_PUNCT.sub(" ", folded)
    return folded.encode("utf-8", "replace").translate(_ASCII_PUNCT).split()


def exact_key(tokens: list[bytes]) -> str:
    """Equal for texts that differ only in case, spacing or punctuation."""
    return hashlib.sha1(b" ".join(tokens)).hexdigest()[:20]


def _shingle_hashes(flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every 5-word window of every text, and the row offsets into them.

    A text of at most 5 words is one shingle of all its words. The window hash is the same
    polynomial in the word hashes for every text, so it is computed once over the flat array
    and the windows that cross a text boundary are dropped.
    """
    starts = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    counts = np.where(lengths > SHINGLE, lengths - SHINGLE + 1, 1)
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    out = np.zeros(int(offsets[-1]), dtype=np.uint64)
    long = lengths > SHINGLE
    with np.errstate(over="ignore"):
        if long.any() and len(flat) >= SHINGLE:
            span = len(flat) - SHINGLE + 1
            window = np.zeros(span, dtype=np.uint64)
            for offset in range(SHINGLE):
                window = window * _MULT + flat[offset : offset + span]
            n_windows = counts[long]
            first = np.zeros(len(n_windows), dtype=np.int64)  # each text's first window
            np.cumsum(n_windows[:-1], out=first[1:])
            within = np.arange(int(n_windows.sum())) - np.repeat(first, n_windows)
            out[np.repeat(offsets[:-1][long], n_windows) + within] = window[
                np.repeat(starts[long], n_windows) + within
            ]
        for i in np.flatnonzero(~long):  # short texts: rare, one shingle each
            acc = np.uint64(0)
            for h in flat[starts[i] : starts[i] + lengths[i]]:
                acc = acc * _MULT + h
            out[offsets[i]] = acc
    return out, offsets


def signatures(tokenised: list[list[bytes]], num_perm: int) -> np.ndarray:
    """MinHash signatures (one uint32 row of num_perm per text) of word 5-shingles."""
    if not tokenised:
        return np.zeros((0, num_perm), dtype=np.uint32)
    token_hashes = RMinHash.hash_token_sets([t or [b""] for t in tokenised])
    lengths = np.fromiter(map(len, token_hashes), dtype=np.int64, count=len(token_hashes))
    flat = np.fromiter(chain.from_iterable(token_hashes), dtype=np.uint64, count=int(lengths.sum()))
    shingles, offsets = _shingle_hashes(flat, lengths)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        shingles, offsets.astype(np.uint64), num_perm, SEED
    )
    rows = matrix.to_rows()
    flat_rows = np.fromiter(chain.from_iterable(rows), dtype=np.uint32, count=len(rows) * num_perm)
    return flat_rows.reshape(len(rows), num_perm)
