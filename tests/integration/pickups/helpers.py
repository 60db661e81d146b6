"""Feeding hub commands straight into the pickups plugin's handlers (the sync part delivers
them over MQTT in production), and reading what the store wrote."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from edge.domain.stock import Level
from edge.node import command_handlers
from edge.services.context import Context
from edge.signing import hash_pickup_code
from edge.store import stock_repo

CODE = "424242"


def feed_order(
    ctx: Context,
    order_id: str,
    lines: list[tuple[str, int, int]],
    *,
    prepaid: bool = True,
    code: str = CODE,
    customer: dict[str, str] | None = None,
    created_at: datetime | None = None,
    expires_at: datetime | None = None,
    store_id: str | None = None,
) -> None:
    """A complete, valid `order.create` for this store (or for `store_id`)."""
    data: dict[str, Any] = {
        "order_id": order_id,
        "store_id": store_id or ctx.store_id,
        "lines": [{"sku": s, "qty": q, "unit_price": p} for s, q, p in lines],
        "total": sum(q * p for _, q, p in lines),
        "currency": ctx.currency,
        "customer": customer or {"name": "Anna Nowak", "phone": "+48 600 100 200"},
        "prepaid": prepaid,
        "pickup_code_hash": hash_pickup_code(code),
        "created_at": (created_at or ctx.clock()).isoformat(),
        "confirmation": {"payload": {}, "signature": ""},
    }
    if expires_at is not None:
        data["expires_at"] = expires_at.isoformat()
    handler = command_handlers()["order.create"]
    with ctx.db.transaction() as conn:
        handler(conn, ctx, data)


def cancel_order(ctx: Context, order_id: str) -> None:
    with ctx.db.transaction() as conn:
        command_handlers()["order.cancel"](conn, ctx, {"order_id": order_id, "reason": "test"})


def events(ctx: Context, kind: str) -> list[dict[str, Any]]:
    with ctx.db.read() as conn:
        rows = conn.execute("SELECT data FROM outbox WHERE type = ? ORDER BY seq", [kind])
        return [json.loads(r[0]) for r in rows]


def outbox_count(ctx: Context) -> int:
    with ctx.db.read() as conn:
        return conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def level(ctx: Context, sku: str) -> Level:
    with ctx.db.read() as conn:
        lv = stock_repo.level(conn, sku)
        assert stock_repo.ledger_sum(conn, sku) == lv  # the level always equals its ledger
        return lv


def past(ctx: Context, days: int) -> datetime:
    return ctx.clock() - timedelta(days=days)
