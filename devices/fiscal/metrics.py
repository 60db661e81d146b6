"""The fiscal device on /metrics: up, and the sales waiting for it."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from devices.fiscal.operations import probe
from edge.services.context import Context


class FiscalCollector(Collector):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterable[Metric]:
        state = probe(self.ctx)
        if state is None:
            return
        up = GaugeMetricFamily(
            "store_edge_fiscal_up",
            "1 when the fiscal device can register a sale; its status is a label",
            labels=["device", "status", "emulator"],
        )
        up.add_metric([state["device"], state["status"], str(state["emulator"]).lower()],
                      1 if state["status"] == "ready" else 0)  # fmt: skip
        yield up
        pending = GaugeMetricFamily(
            "store_edge_fiscal_pending", "Sales committed but not yet registered on the device"
        )
        pending.add_metric([], float(state["pending"]))
        yield pending
