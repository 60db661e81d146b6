"""Prometheus metrics of one node. Each app has its own registry (tests build several apps in
one process); figures that live in the database are read at scrape time."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
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


def _optional(module: str, function: str, ctx: Context) -> dict[str, Any] | None:
    """A status function of a part that may not be installed (sync, devices), or None. A part
    whose status fails must not break the scrape of everything else."""
    try:
        fn = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None
    try:
        return fn(ctx)
    except Exception:
        log.warning("%s.%s failed during a metrics scrape", module, function, exc_info=True)
        return None


class PartsCollector(Collector):
    """Sync connection and printer state, from the sync and devices parts when present."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterable[Metric]:
        sync = _optional("sync.status", "sync_status", self.ctx)
        if sync is not None:
            yield GaugeMetricFamily(
                "store_edge_sync_connected",
                "1 when the sync agent is connected to the broker",
                value=1 if sync.get("connected") else 0,
            )
        devices = _optional("devices.service", "devices_status", self.ctx)
        if devices is not None:
            up = GaugeMetricFamily(
                "store_edge_printer_up",
                "1 when the printer reports ready; its status is a label",
                labels=["printer", "kind", "status"],
            )
            queue = GaugeMetricFamily(
                "store_edge_printer_queue", "Print jobs waiting", labels=["printer"]
            )
            for p in devices.get("printers", []):
                name, status = str(p.get("name")), str(p.get("status"))
                up.add_metric([name, str(p.get("kind")), status], 1 if status == "ready" else 0)
                queue.add_metric([name], float(p.get("queue") or 0))
            yield up
            yield queue


class Metrics:
    def __init__(self, ctx: Context) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(StoreCollector(ctx))
        self.registry.register(PartsCollector(ctx))
        self.request_seconds = Histogram(
            "store_edge_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )

    def add_collector(self, collector: Collector) -> None:
        self.registry.register(collector)

    def timer(self) -> Callable[[str, str, int], None]:
        started = time.perf_counter()

        def done(method: str, route: str, status: int) -> None:
            self.request_seconds.labels(method, route, str(status)).observe(
                time.perf_counter() - started
            )

        return done
