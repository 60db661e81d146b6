"""Stock documents plugged into the node: their HTTP routes and the hub's `delivery.announce`
command (a delivery the ERP announced, received later at the back door)."""

from __future__ import annotations

import sqlite3
from typing import Any

from edge.api import routes_stock
from edge.domain.errors import InvalidInput
from edge.plugins import Plugin
from edge.services import stock_documents
from edge.services.context import Context


def _delivery_announce(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    try:
        delivery_id, reference = str(data["delivery_id"]), str(data.get("reference", ""))
        lines = [(str(ln["sku"]), int(ln["qty"])) for ln in data["lines"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"a delivery needs delivery_id and lines of sku, qty ({exc})") from exc
    stock_documents.announce_delivery(conn, delivery_id, reference, lines, ctx.clock())


PLUGIN = Plugin(
    name="stock",
    routers=[routes_stock.router],
    command_handlers={"delivery.announce": _delivery_announce},
)
