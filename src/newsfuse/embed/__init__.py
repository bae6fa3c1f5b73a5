"""Sentence embeddings shared by clustering, the brief and the analysis."""

from newsfuse.embed.encoder import Encoder, get_encoder

__all__ = ["Encoder", "get_encoder"]
