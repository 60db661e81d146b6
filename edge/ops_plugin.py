"""The ops part: systemd watchdog, node lock, scheduled compaction, WAL checkpoints in a thread,
and the backup / restore / compact / install / uninstall commands."""

from __future__ import annotations

from edge.ops.checkpoint import wal_checkpointer
from edge.ops.cli import ops_app
from edge.ops.compaction import compactor
from edge.ops.config import OpsConfig
from edge.ops.nodelock import node_lock_component
from edge.ops.watchdog import watchdog
from edge.plugins import Plugin

PLUGIN = Plugin(
    name="ops",
    settings={"ops": OpsConfig},
    components=[node_lock_component, watchdog, compactor, wal_checkpointer],
    # "" = commands at the top level (`store-edge backup`, not `store-edge ops backup`).
    cli=[("", ops_app)],
)
