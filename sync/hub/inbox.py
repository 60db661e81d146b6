"""A hub worker's inbox: messages queued per store (the store their topic names) and taken
round-robin, one per store in turn, each store's in arrival order. A store sending thousands
of messages then delays another store's next message by at most one group, not by its whole
backlog. Filled by the MQTT network thread, emptied by the worker thread."""

from __future__ import annotations

import threading
from collections import deque

from sync.protocol import Topics

Message = tuple[str, bytes]
_NO_STORE = ""  # a topic naming no store: queued under its own key, refused when handled


class FairInbox:
    def __init__(self, topics: Topics) -> None:
        self.topics = topics
        self._lock = threading.Lock()
        self._queues: dict[str, deque[Message]] = {}
        self._turns: deque[str] = deque()  # stores with something queued, next first

    def put(self, topic: str, payload: bytes) -> None:
        where = self.topics.store_of(topic)
        store = where[0] if where else _NO_STORE
        with self._lock:
            queued = self._queues.get(store)
            if queued is None:
                queued = self._queues[store] = deque()
                self._turns.append(store)
            queued.append((topic, payload))

    def take(self, n: int) -> list[Message]:
        """Up to `n` messages, one store at a time in turn."""
        out: list[Message] = []
        with self._lock:
            while self._turns and len(out) < n:
                store = self._turns.popleft()
                queued = self._queues[store]
                out.append(queued.popleft())
                if queued:
                    self._turns.append(store)
                else:
                    del self._queues[store]
        return out

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._turns)
