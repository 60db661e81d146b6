"""What a hub worker counts about itself, for `/metrics`: refused and received messages, events
applied, duplicates, resend requests, nearby messages, and how long batches take. Each worker
counts its own (Prometheus sums workers); per-store figures come from the database
(sync/hub/metrics.py)."""

from __future__ import annotations

import time
from collections import Counter as Tally
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Histogram

_MAX_TRACKED = 10_000  # stores tracked at once; beyond it the minute starts over for all
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class DeadLetterBudget:
    """How many dead letters each store has had stored this minute (per worker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._minute = 0
        self._used: dict[str, int] = {}

    def take(self, store_id: str, per_minute: int) -> bool:
        """True (and counted) while `store_id` is within `per_minute` this minute."""
        minute = int(self.clock() // 60)
        if minute != self._minute or len(self._used) >= _MAX_TRACKED:
            self._minute, self._used = minute, {}
        used = self._used.get(store_id, 0)
        if used >= per_minute:
            return False
        self._used[store_id] = used + 1
        return True


class HubStats:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.rejected: Tally[str] = Tally()  # refused messages by reason
        self.received: Tally[str] = Tally()  # messages by topic leaf
        self.refused: Tally[tuple[str, str]] = Tally()  # refused messages by (store, reason)
        self.unstored: Tally[str] = Tally()  # refusals only counted (per-store rate limit)
        self.dead_letter_budget = DeadLetterBudget()
        r = self.registry
        self.applied = Counter(
            "store_edge_hub_events_applied", "Events applied (rate() = apply rate)", registry=r
        )
        self.duplicates = Counter(
            "store_edge_hub_duplicate_events", "Events received again and skipped", registry=r
        )
        self.resend_requests = Counter(
            "store_edge_hub_resend_requests",
            "Acks asking a store to resend (a gap that outlasted the grace)",
            registry=r,
        )
        self.nearby_messages = Counter(
            "store_edge_hub_nearby_messages", "Nearby-stock messages published", registry=r
        )
        self.batch_seconds = Histogram(
            "store_edge_hub_batch_apply_seconds",
            "Time to apply a group of batches, transaction included",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.event_lag_seconds = Histogram(
            "store_edge_hub_event_lag_seconds",
            "From an event at its store (its own clock) to applied at the hub",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.nearby_pushes = 0  # plain count, for tests and the load generator
        self.resends = 0
