"""Engines decide where the stages run; the stages themselves never know."""
