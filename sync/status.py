"""What the node knows about its replication, for `GET /api/v1/sync/status` and the UI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from edge.services.context import Context
from edge.store import outbox
from sync import edge_store

if TYPE_CHECKING:
    from prometheus_client.core import Metric


def sync_status(ctx: Context) -> dict[str, Any]:
    from sync.agent import agent_for

    agent = agent_for(ctx)
    with ctx.db.read() as conn:
        depth, oldest = outbox.depth(conn)
        last_ack = edge_store.get_state(conn, "last_ack_at") or None
        version = edge_store.catalogue_version(conn)
        dead = conn.execute("SELECT count(*) FROM sync_dead_letters").fetchone()[0]
    age = None
    if oldest:
        age = max(0.0, (ctx.clock() - datetime.fromisoformat(oldest)).total_seconds())
    return {
        "connected": bool(agent and agent.connected),
        "configured": bool(ctx.settings.broker.url),
        "outbox_depth": depth,
        "oldest_unacked_age_s": round(age, 3) if age is not None else None,
        "last_ack_at": last_ack,
        "catalogue_version": version,
        "dead_letters": dead,
    }


class SyncCollector:
    """Prometheus figures of replication on a node. Register it on the node's metrics
    (`app.state.metrics.add_collector(SyncCollector(ctx))`)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        from sync.agent import agent_for

        status = sync_status(self.ctx)
        yield GaugeMetricFamily(
            "store_edge_sync_connected", "Connected to the broker", value=int(status["connected"])
        )
        yield GaugeMetricFamily(
            "store_edge_sync_catalogue_version",
            "Catalogue version",
            value=status["catalogue_version"],
        )
        yield GaugeMetricFamily(
            "store_edge_sync_dead_letters",
            "Messages refused and kept",
            value=status["dead_letters"],
        )
        refused = CounterMetricFamily(
            "store_edge_sync_rejected_messages", "MQTT messages refused", labels=["reason"]
        )
        agent = agent_for(self.ctx)
        for reason, n in agent.rejected.items() if agent else ():
            refused.add_metric([reason], n)
        yield refused
