"""Prometheus metrics of one node. Each app has its own registry (tests build several apps in
one process); figures that live in the database are read at scrape time."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from edge.services.context import Context
from edge.store import outbox

log = logging.getLogger(__name__)


class StoreCollector(Collector):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterable[Metric]:
        with self.ctx.db.read() as conn:
            sales, total = conn.execute(
                "SELECT count(*), coalesce(sum(total), 0) FROM sales"
            ).fetchone()
            depth, oldest = outbox.depth(conn)
            negative = conn.execute(
                "SELECT count(*) FROM stock_levels WHERE on_hand < 0"
            ).fetchone()[0]
        yield GaugeMetricFamily("store_edge_sales", "Sales recorded on this node", value=sales)
        yield GaugeMetricFamily(
            "store_edge_sales_amount_minor", "Sum of sale totals in minor units", value=total
        )
        yield GaugeMetricFamily(
            "store_edge_outbox_depth", "Events not yet acknowledged by the hub", value=depth
        )
        age = 0.0
        if oldest:
            age = max(0.0, (self.ctx.clock() - datetime.fromisoformat(oldest)).total_seconds())
        yield GaugeMetricFamily(
            "store_edge_outbox_oldest_age_seconds",
            "Age of the oldest unacknowledged event",
            value=age,
        )
        yield GaugeMetricFamily(
            "store_edge_stock_negative_skus", "SKUs whose book stock is below zero", value=negative
        )
        refused = CounterMetricFamily(
            "store_edge_hub_answers_refused",
            "Hub lookup answers refused (unsigned, altered, for another purchase or store, stale)",
            labels=["reason"],
        )
        for reason, n in sorted(self.ctx.refused_hub_answers.items()):
            refused.add_metric([reason], n)
        yield refused


class Guarded(Collector):
    """A part's collector whose failure must not break the scrape of everything else: a part
    that cannot report (agent not started, database busy) is left out of this scrape."""

    def __init__(self, inner: Collector) -> None:
        self.inner = inner

    def collect(self) -> Iterable[Metric]:
        try:
            return list(self.inner.collect())
        except Exception:
            log.warning("%s failed during a metrics scrape", type(self.inner).__name__,
                        exc_info=True)  # fmt: skip
            return []


class Metrics:
    def __init__(self, ctx: Context) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(StoreCollector(ctx))
        self.request_seconds = Histogram(
            "store_edge_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )

    def add_collector(self, collector: Collector) -> None:
        self.registry.register(Guarded(collector))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_seconds.labels(method, route, str(status)).observe(seconds)
