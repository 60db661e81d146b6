"""Click & collect and returns, plugged into the node: hub command handlers, the HTTP routes,
the store key pair and the periodic expiry of uncollected orders. Its tables are edge
migrations 6+ (edge/store/schema/pickups.py), so it brings no migration set of its own."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from edge import returns_cli
from edge.api import routes_pickups, routes_returns
from edge.background import Periodic
from edge.plugins import Plugin
from edge.services import kiosk_orders, pickup_intake, pickups, signed_qr
from edge.services.context import Context

log = logging.getLogger(__name__)


def _order_create(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    pickup_intake.create_order(conn, ctx, data)


def _order_cancel(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    pickup_intake.cancel_order(conn, ctx, data)


def _order_refused(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    kiosk_orders.refused(conn, ctx, data)


def _expire(ctx: Context) -> None:
    expired = pickups.expire_due(ctx)
    if expired:
        log.info("expired uncollected pickup orders", extra={"orders": expired})


def expiry_worker(ctx: Context) -> Periodic:
    """Every `pickups.expiry_check_s` seconds, expires uncollected orders (stock released)."""
    return Periodic(
        "pickup-expiry", lambda: _expire(ctx), lambda: ctx.settings.pickups.expiry_check_s
    )


def _setup(ctx: Context) -> None:
    signed_qr.store_key(ctx)  # created on first start: receipts carry a signed QR from sale 1


PLUGIN = Plugin(
    name="pickups",
    setup=_setup,
    routers=[routes_pickups.router, routes_returns.router],
    components=[expiry_worker],
    cli=[("returns", returns_cli.app)],
    command_handlers={
        "order.create": _order_create,
        "order.cancel": _order_cancel,
        "order.refused": _order_refused,
    },
)
