"""A bounded cache of values derived from one state of the database (rendered pages, JSON).

Bounded by size, not count: a story page weighs what its text weighs. Least recently used
values leave first; `clear()` drops everything when the database changes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

ITEM_WEIGHT = 2_000  # what a value that is not text or bytes is taken to weigh


class Memo:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._weight = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any) -> None:
        weight = len(value) if isinstance(value, str | bytes) else ITEM_WEIGHT
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (value, weight)
            self._weight += weight
            while self._weight > self.limit and self._items:
                self._weight -= self._items.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._weight = 0
