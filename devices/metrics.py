"""The devices part's figures on the node's /metrics: printer state and queue length."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from devices.service import devices_status
from edge.services.context import Context


class PrinterCollector(Collector):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "store_edge_printer_up",
            "1 when the printer is online; its status is a label",
            labels=["printer", "kind", "status"],
        )
        queue = GaugeMetricFamily(
            "store_edge_printer_queue", "Print jobs waiting", labels=["printer"]
        )
        for p in devices_status(self.ctx).get("printers", []):
            name, status = str(p.get("name")), str(p.get("status"))
            up.add_metric([name, str(p.get("kind")), status], 1 if status == "online" else 0)
            queue.add_metric([name], float(p.get("queue") or 0))
        yield up
        yield queue
