"""Fingerprints of article text: an exact key and a MinHash signature.

Signatures are explicit arrays (one uint32 row per article) rather than library objects so
that they can be stored, shipped to Dask workers and banded with plain numpy.
"""

from __future__ import annotations

import hashlib
import string

import numpy as np
from rensa import RMinHash

SHINGLE = 5  # words per shingle: long enough that shared shingles mean shared passages
SEED = 20231213
_ASCII_PUNCT = bytes.maketrans(string.punctuation.encode(), b" " * len(string.punctuation))
# Typographic punctuation that separates words; replaced on the UTF-8 bytes, which is ~3x
# faster than a Unicode regex and fingerprinting must keep up with >1,000 articles/s.
_UNICODE_PUNCT = [c.encode() for c in "“”‘’«»„‚—–…·•\u00a0\u2009\u200b"]
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant: mixes positions into the hash


def words(text: str) -> list[bytes]:
    """Case- and punctuation-insensitive words of a text, as UTF-8 bytes."""
    data = text.casefold().encode("utf-8", "replace")
    for mark in _UNICODE_PUNCT:
        if mark in data:
            data = data.replace(mark, b" ")
    return data.translate(_ASCII_PUNCT).split()


def exact_key(tokens: list[bytes]) -> str:
    """Equal for texts that differ only in case, spacing or punctuation."""
    return hashlib.sha1(b" ".join(tokens)).hexdigest()[:20]


def _shingle_hashes(word_hashes: np.ndarray) -> np.ndarray:
    """Hashes of all k-word windows, computed in numpy instead of building strings."""
    n = len(word_hashes)
    if n <= SHINGLE:
        out = np.zeros(1, dtype=np.uint64)
        for h in word_hashes:
            out[0] = out[0] * _MULT + h
        return out
    acc = np.zeros(n - SHINGLE + 1, dtype=np.uint64)
    for offset in range(SHINGLE):
        acc = acc * _MULT + word_hashes[offset : n - SHINGLE + 1 + offset]
    return acc


def signatures(tokenised: list[list[bytes]], num_perm: int) -> np.ndarray:
    """MinHash signatures (one uint32 row of num_perm per text) of word 5-shingles."""
    if not tokenised:
        return np.zeros((0, num_perm), dtype=np.uint32)
    token_hashes = RMinHash.hash_token_sets([t or [b""] for t in tokenised])
    chunks = []
    offsets = [0]
    with np.errstate(over="ignore"):
        for hashes in token_hashes:
            shingles = _shingle_hashes(np.asarray(hashes, dtype=np.uint64))
            chunks.append(shingles)
            offsets.append(offsets[-1] + len(shingles))
    flat = np.concatenate(chunks)
    matrix = RMinHash.digest_matrix_from_flat_token_hashes(
        flat, np.asarray(offsets, dtype=np.uint64), num_perm, SEED
    )
    return np.asarray(matrix.to_rows(), dtype=np.uint32)
