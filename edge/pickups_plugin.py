"""Click & collect and returns, plugged into the node: hub command handlers, the HTTP routes,
the store key pair and the periodic expiry of uncollected orders. Its tables are edge
migrations 6+ (edge/store/schema.py), so it brings no migration set of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from typing import Any

from edge.api import routes_pickups, routes_returns
from edge.plugins import Plugin
from edge.services import pickups, signed_qr
from edge.services.context import Context

log = logging.getLogger(__name__)


def _order_create(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    pickups.create_order(conn, ctx, data)


def _order_cancel(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    pickups.cancel_order(conn, ctx, data)


class ExpiryWorker:
    """Every `pickups.expiry_check_s` seconds, expires uncollected orders (stock released)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="pickup-expiry")

    async def _run(self) -> None:
        while True:
            try:
                expired = await asyncio.to_thread(pickups.expire_due, self.ctx)
                if expired:
                    log.info("expired uncollected pickup orders", extra={"orders": expired})
            except Exception:
                log.exception("expiring pickup orders failed; will retry")
            await asyncio.sleep(self.ctx.settings.pickups.expiry_check_s)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


def _setup(ctx: Context) -> None:
    signed_qr.store_key(ctx)  # created on first start: receipts carry a signed QR from sale 1


PLUGIN = Plugin(
    name="pickups",
    setup=_setup,
    routers=[routes_pickups.router, routes_returns.router],
    components=[ExpiryWorker],
    command_handlers={"order.create": _order_create, "order.cancel": _order_cancel},
)
