"""newsfuse: many news reports of the same events, fused into one cited account.

`newsfuse.run(paths)` is the entry point; the heavy stage modules are imported on first
use so that `import newsfuse.model` (and `newsfuse --help`) stay instant.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["article", "run", "stories", "story"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from newsfuse import api

        return getattr(api, name)
    raise AttributeError(f"module 'newsfuse' has no attribute {name!r}")
