"""Click & collect at the store: finding orders, picking, the shelf (with its slip), and
expiring orders not collected in time; and how every pickup use case reads and saves an order.
Orders arriving from the hub are taken in by edge/services/pickup_intake.py, handed over at the
till by edge/services/pickup_collection.py. One use case per function, one transaction each;
every change of an order writes an `order.status` event to the outbox in that transaction
(write_order)."""

from __future__ import annotations

import sqlite3
from typing import Any

from edge.domain import pickups
from edge.domain.errors import InvalidInput, NotFound
from edge.domain.pickups import Order
from edge.domain.stock import Movement
from edge.services import documents, kiosk_orders, signed_qr
from edge.services.auth import Actor
from edge.services.context import Context
from edge.store import orders_repo, outbox, stock_repo


def write_order(
    conn: sqlite3.Connection, ctx: Context, order: Order, movements: list[Movement]
) -> None:
    """Saves the order, records its stock movements and tells the hub, in the caller's
    transaction."""
    now = ctx.clock()
    if movements:
        stock_repo.record(conn, movements, ref=f"order:{order.order_id}", at=now)
    orders_repo.save(conn, order, now)
    kiosk_orders.ended(conn, order)
    levels = list(stock_repo.levels(conn, (ln.sku for ln in order.lines)).values())
    outbox.append(conn, pickups.status_event(order, levels), now)


def load_order(conn: sqlite3.Connection, order_id: str) -> Order:
    """The order as stored; NotFound if there is none."""
    order = orders_repo.get(conn, order_id)
    if order is None:
        raise NotFound(f"no pickup order {order_id}")
    return order


def list_orders(ctx: Context, status: str | None = None, q: str | None = None) -> list[Order]:
    """Orders by status, and/or found by what the cashier scanned or typed: the QR on the
    shopper's phone, the order number, the shopper's name or phone."""
    if status is not None and status not in pickups.OPEN | pickups.FINAL:
        raise InvalidInput(f"unknown status {status!r}")
    if q and q.strip().startswith(signed_qr.PREFIX):
        payload, _sig, _key = signed_qr.decode(q)
        q = str(payload.get("ref") or "")
    with ctx.db.read() as conn:
        return orders_repo.search(conn, status, q)


def get_order(ctx: Context, order_id: str) -> Order:
    with ctx.db.read() as conn:
        return load_order(conn, order_id)


def _step(ctx: Context, order_id: str, to: str, shelf: str | None = None) -> Order:
    with ctx.db.transaction() as conn:
        order = pickups.move(load_order(conn, order_id), to, shelf)
        write_order(conn, ctx, order, [])
        if to == "ready":
            documents.enqueue(conn, ctx, "pickup_slip", slip(order))
    ctx.hooks.outbox_written()
    return order


def start_picking(ctx: Context, actor: Actor, order_id: str) -> Order:
    return _step(ctx, order_id, "picking")


def mark_ready(ctx: Context, actor: Actor, order_id: str, shelf: str) -> Order:
    """The order is on the pickup shelf at `shelf`; the slip for the shelf is printed."""
    if len(shelf or "") > 32:
        raise InvalidInput("a shelf location is at most 32 characters")
    return _step(ctx, order_id, "ready", shelf)


def slip(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "name": order.customer.get("name", ""),
        "shelf": order.shelf,
        "qr": order.order_id,
        "lines": [{"sku": ln.sku, "qty": ln.reserved} for ln in order.lines if ln.reserved],
    }


def expire_due(ctx: Context) -> list[str]:
    """Expires open orders past their pickup deadline and releases their stock, one
    transaction per order (a failure on one never blocks the others)."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        due = orders_repo.due_for_expiry(conn, now)
    done = []
    for order_id in due:
        with ctx.db.transaction() as conn:
            order = load_order(conn, order_id)
            if not pickups.expired(order, now):
                continue  # collected or cancelled meanwhile
            order, movements = pickups.release_all(order, "expired")
            write_order(conn, ctx, order, movements)
        done.append(order_id)
    if done:
        ctx.hooks.outbox_written()
    return done
