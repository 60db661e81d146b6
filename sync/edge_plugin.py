"""Plugs replication into a node: the sync tables, `/sync/status`, the agent (only with a
broker configured) and the `store-edge hub` command."""

from __future__ import annotations

from edge.plugins import Plugin
from sync.agent import component
from sync.config import SyncConfig
from sync.edge_store import sync_migrations
from sync.hub.cli import hub_app
from sync.routes import router
from sync.status import SyncCollector

PLUGIN = Plugin(
    name="sync",
    settings={"sync": SyncConfig},
    migrations=sync_migrations,
    routers=[router],
    components=[component],
    metrics=[SyncCollector],
    cli=[("hub", hub_app)],
)
