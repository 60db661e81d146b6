"""Wires a node together from the parts in edge/node.py: database, migrations, context, each
part's hooks and command handlers, demo data."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from edge.config import Settings
from edge.node import PLUGINS
from edge.plugins import command_handlers
from edge.services.context import Context
from edge.services.hub_lookup import warn_about_config
from edge.services.seeding import seed_demo
from edge.services.staff import demo_staff_active
from edge.store.db import Database
from edge.store.migrations import MigrationSet, migrate
from edge.store.schema import edge_migrations

log = logging.getLogger(__name__)


def open_database(settings: Settings, extra: Sequence[MigrationSet] = ()) -> Database:
    db = Database(settings.db_path, synchronous=settings.database.synchronous)
    try:
        applied = migrate(db, [edge_migrations, *extra])
    except Exception:
        db.close()
        raise
    if applied:
        log.info("database migrated", extra={"migrations": applied})
    return db


def plugin_migrations() -> list[MigrationSet]:
    return [p.migrations for p in PLUGINS if p.migrations is not None]


def bootstrap(settings: Settings) -> Context:
    """A node's context: its database migrated for every part (the parts' hooks attached below
    write to their own tables), demo data if asked for."""
    ctx = Context(open_database(settings, plugin_migrations()), settings)
    warn_about_config(settings)
    ctx.parts.put(command_handlers(PLUGINS))
    for plugin in PLUGINS:
        if plugin.setup is not None:
            plugin.setup(ctx)
    if settings.demo:
        seed_demo(ctx)
    demo = demo_staff_active(ctx)
    if demo:
        log.warning(
            "demo staff accounts are active (%s) with well-known PINs; disable them with "
            "`store-edge users disable NAME` before trading",
            ", ".join(demo),
        )
    return ctx
