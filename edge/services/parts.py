"""The node's parts keep their live state here (the sync agent, the devices' drivers, the fiscal
device), one object per type on each Context: looked up by its class, typed, gone with the
Context. The core never reads it; each part reads its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Parts:
    def __init__(self) -> None:
        self._held: dict[type, object] = {}
        # Parts are first used from request threads and workers at once: one of them builds.
        self._lock = threading.RLock()

    def put(self, obj: object) -> None:
        with self._lock:
            self._held[type(obj)] = obj

    def get(self, cls: type[T]) -> T | None:
        found = self._held.get(cls)
        return found if isinstance(found, cls) else None

    def get_or_create(self, cls: type[T], build: Callable[[], T]) -> T:
        with self._lock:
            found = self._held.get(cls)
            if not isinstance(found, cls):
                found = build()
                self._held[cls] = found
            return found

    def remove(self, obj: object) -> None:
        """Forgets obj if it is still the one held for its type (a newer one stays)."""
        with self._lock:
            if self._held.get(type(obj)) is obj:
                del self._held[type(obj)]
