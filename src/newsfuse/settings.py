"""Every tunable of newsfuse, declared once with its default and help.

CLI flags and `NEWSFUSE_<NAME>` environment variables override the defaults; values are
validated at start so a bad setting fails with a hint instead of deep inside a stage.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from newsfuse.errors import SettingsError


def _default_cache() -> str:
    return str(Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "newsfuse")


def _coerce(raw: object, kind: type) -> object:
    """Environment values are strings: "false" must mean False, not a truthy string."""
    if kind is bool and isinstance(raw, str):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(raw)
    return kind(raw)


@dataclass(slots=True)
class Settings:
    max_article_bytes: int = 5_000_000  # larger inputs are refused, not truncated
    max_decompressed_bytes: int = 1_000_000_000  # a gzip bomb stops here, not at full size
    max_files: int = 1_000_000
    max_html_depth: int = 200  # deeper pages are refused: libxml2 drops text past 255 levels
    html_timeout_s: float = 20.0  # per page, for trafilatura
    near_duplicate_threshold: float = 0.8  # estimated Jaccard of 5-word shingles
    minhash_permutations: int = 128
    cluster_threshold: float = 0.5  # linkage distance cut (see cluster/)
    time_window_days: int = 7  # articles further apart rarely tell one story
    encoder: str = "minilm"  # "minilm" (quality) or "model2vec" (speed)
    # MiniLM with int8 weights for the per-story analysis and summary only (clustering and
    # stored vectors stay float32): ~35% less CPU, cosines move ~0.01 (docs/PERFORMANCE.md)
    analysis_int8: bool = False
    summary_sentences: int = 5
    workers: int = 0  # processes for cleaning large inputs; 0 = one per core
    analysis: bool = True  # entities, quotes, facts, conflicts, timeline, provenance
    engine: str = "local"  # "local" (this process) or "dask" (engine/dask.py)
    scheduler: str = ""  # Dask scheduler address tcp://HOST:PORT; empty: a LocalCluster
    cache_dir: str = _default_cache()
    # CSV/Parquet column -> RawDoc field, "body=text,headline=title" (the CLI's --map)
    column_map: str = ""
    fetch_timeout_s: float = 20.0  # a feed URL must answer and download within this
    max_feed_bytes: int = 50_000_000  # a feed file or download larger than this is refused
    # web server (`newsfuse serve`)
    max_request_bytes: int = 20_000_000  # larger request bodies are refused with 413
    token_failures: int = 10  # wrong tokens per client and minute before it gets 429
    # Incremental ingest: days of publication dates the in-memory dedup/cluster index keeps
    # (older entries stay in the database); 0 keeps everything.
    index_days: int = 30
    ingest_batch: int = 1000  # new articles per atomic ingest batch
    # Up to this many indexed articles a batch is clustered together with all of them (the
    # result is then the at-once result); beyond, with the stories nearest to it.
    recluster_limit: int = 1000

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then NEWSFUSE_* variables, then explicit overrides (CLI flags)."""
        values: dict[str, object] = {}
        for f in fields(cls):
            env = os.environ.get(f"NEWSFUSE_{f.name.upper()}")
            if env is not None:
                values[f.name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls()
        for name, raw in values.items():
            if not hasattr(settings, name):
                raise SettingsError(f"unknown setting {name!r}")
            current = getattr(settings, name)
            try:
                value = _coerce(raw, type(current))
            except (TypeError, ValueError) as e:
                raise SettingsError(
                    f"setting {name}={raw!r}: expected {type(current).__name__}"
                ) from e
            setattr(settings, name, value)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.workers < 0:
            raise SettingsError("setting workers must be 0 (one per core) or more")
        for name in ("max_article_bytes", "max_decompressed_bytes", "max_files"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"setting {name} must be positive")
        if not 1 <= self.max_html_depth <= 250:
            raise SettingsError(
                "setting max_html_depth must be between 1 and 250 (libxml2 stops at 255)"
            )
        for name in ("max_request_bytes", "token_failures"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"setting {name} must be positive")
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise SettingsError("near_duplicate_threshold must be in (0, 1]")
        if self.encoder not in ("minilm", "model2vec"):
            raise SettingsError("encoder must be 'minilm' or 'model2vec'")
        if not 3 <= self.summary_sentences <= 7:
            raise SettingsError("summary_sentences must be between 3 and 7")
        if self.engine not in ("local", "dask"):
            raise SettingsError("engine must be 'local' or 'dask'")
        self._validate_formats()

    def _validate_formats(self) -> None:
        from newsfuse.ingest.columns import parse_column_map  # ingest imports settings

        parse_column_map(self.column_map)
        if self.fetch_timeout_s <= 0 or self.max_feed_bytes <= 0:
            raise SettingsError("fetch_timeout_s and max_feed_bytes must be positive")
        if self.index_days < 0:
            raise SettingsError("index_days must be 0 (keep everything) or more")
        if self.recluster_limit < 0:
            raise SettingsError("recluster_limit must be 0 or more")
        if self.ingest_batch <= 0:
            raise SettingsError("ingest_batch must be positive")
