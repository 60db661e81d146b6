"""Customers and loyalty at the node: the till's customer routes, the sale hook that earns
points with the sale, the hub's `customer.erase` command and the hourly forgetting of
customers not seen here for [loyalty] cache_days. Its tables are edge migrations 50+."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from edge.api import routes_customers
from edge.background import Periodic
from edge.plugins import Plugin
from edge.services import customers, redemptions
from edge.services.context import Context
from edge.store import customers_repo

log = logging.getLogger(__name__)
FORGET_EVERY_S = 3600.0


def _setup(ctx: Context) -> None:
    ctx.hooks.on_sale.append(customers.earn_on_sale)
    ctx.hooks.on_cancel.append(
        lambda conn, basket_id: redemptions.released_on_cancel(conn, basket_id, ctx.clock())
    )
    # The sale's answer carries the member's points: {"customer": {id, points_earned, …}}.
    ctx.hooks.after_sale.append(
        lambda sale, _replayed: customers.sale_customer(ctx, sale.receipt_no)
    )


def _erase(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    customers_repo.erase(conn, str(data["customer_id"]))


def _forget(ctx: Context) -> None:
    n = customers.forget_unseen(ctx)
    if n:
        log.info("forgot customers not seen here lately", extra={"customers": n})


def forgetting(ctx: Context) -> Periodic:
    return Periodic("customer-cache", lambda: _forget(ctx), lambda: FORGET_EVERY_S)


PLUGIN = Plugin(
    name="loyalty",
    setup=_setup,
    routers=[routes_customers.router],
    components=[forgetting],
    command_handlers={"customer.erase": _erase},
)
