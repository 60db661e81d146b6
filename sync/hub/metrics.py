"""The hub's `/metrics`: the worker's own counters and histograms (stats.py) and, read from the
database at each scrape, stores online, commands pending and every store's lag in events and
seconds (label `store`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from sync.hub import webhooks
from sync.hub.context import HubContext
from sync.hub.queries import lag
from sync.hub.store import commands as commands_repo
from sync.hub.store import stores as stores_repo


class HubCollector:
    def __init__(self, ctx: HubContext) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        c = CounterMetricFamily(
            "store_edge_hub_rejected_messages", "MQTT messages refused", labels=["reason"]
        )
        for reason, n in self.ctx.stats.rejected.items():
            c.add_metric([reason], n)
        yield c
        by_store = CounterMetricFamily(
            "store_edge_hub_refused_messages",
            "MQTT messages refused, by the store of their topic",
            labels=["store", "reason"],
        )
        for (store, reason), n in self.ctx.stats.refused.items():
            by_store.add_metric([store, reason], n)
        yield by_store
        unstored = CounterMetricFamily(
            "store_edge_hub_dead_letters_unstored",
            "Refused messages counted but not kept (over the store's per-minute allowance)",
            labels=["store"],
        )
        for store, n in self.ctx.stats.unstored.items():
            unstored.add_metric([store], n)
        yield unstored
        now = datetime.now(UTC)
        with self.ctx.storage.read() as tx:
            rows = stores_repo.listing(tx)
            pending = commands_repo.pending_count(tx)
        online = sum(1 for r in rows if r["online"])
        yield GaugeMetricFamily("store_edge_hub_stores_online", "Stores online", value=online)
        yield GaugeMetricFamily(
            "store_edge_hub_commands_pending", "Commands not yet acknowledged", value=pending
        )
        events = GaugeMetricFamily(
            "store_edge_hub_store_lag_events",
            "Events a store reported as not yet acknowledged",
            labels=["store"],
        )
        seconds = GaugeMetricFamily(
            "store_edge_hub_store_lag_seconds",
            "How far behind the hub's picture of a store is",
            labels=["store"],
        )
        applied = CounterMetricFamily(
            "store_edge_hub_store_applied_seq", "Highest contiguous seq applied", labels=["store"]
        )
        for r in rows:
            n, s = lag(r, now)
            events.add_metric([r["store_id"]], n)
            if s is not None:
                seconds.add_metric([r["store_id"]], s)
            applied.add_metric([r["store_id"]], int(r["applied_seq"]))
        yield events
        yield seconds
        yield applied
        yield from webhooks.metrics(self.ctx.storage)
