"""Pickup orders arriving from the hub: its `order.create` and `order.cancel` commands, run
inside the sync agent's transaction. A new order reserves what the store has."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from edge.domain import pickups
from edge.domain.errors import InvalidInput
from edge.domain.pickups import Order
from edge.services import kiosk_orders
from edge.services import pickups as pickup_orders
from edge.services.context import Context
from edge.store import catalogue_repo, orders_repo, stock_repo


def _text(data: Mapping[str, Any], key: str, limit: int = 64, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidInput(f"'{key}' must be a non-empty string of at most {limit} characters")
    return value.strip()


def _when(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{value!r} is not an ISO 8601 timestamp") from None
    if when.tzinfo is None:
        raise InvalidInput(f"{value!r} has no time zone")
    return when


def create_order(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> Order:
    """`order.create`: reserves what the store has and reports the rest as short. A repeated
    order id is answered with the order as it is (the hub may resend)."""
    order_id = _text(data, "order_id")
    assert order_id is not None
    if data.get("store_id") != ctx.store_id:
        raise InvalidInput(f"order {order_id} is for store {data.get('store_id')!r}, not this one")
    existing = orders_repo.get(conn, order_id)
    if existing is not None:
        return existing
    raw = data.get("lines")
    skus = {ln.get("sku") for ln in raw if isinstance(ln, dict)} if isinstance(raw, list) else ()
    products = {s: catalogue_repo.get(conn, s) for s in skus if isinstance(s, str)}
    units = {sku: p.unit for sku, p in products.items() if p is not None}
    lines = pickups.check_lines(raw, units)
    customer = data.get("customer")
    if not isinstance(customer, dict) or not isinstance(customer.get("name"), str):
        raise InvalidInput("an order needs customer.name")
    code_hash = data.get("pickup_code_hash")
    if not isinstance(code_hash, str) or not code_hash.startswith("scrypt$"):
        raise InvalidInput("an order needs its pickup_code_hash (scrypt$...)")
    if not isinstance(data.get("prepaid"), bool):
        raise InvalidInput("'prepaid' must be true or false")
    currency = data.get("currency") or ctx.currency
    if currency != ctx.currency:
        raise InvalidInput(f"order currency {currency!r} is not this store's {ctx.currency}")
    now = ctx.clock()
    created = _when(data.get("created_at"), now)
    expires = _when(
        data.get("expires_at"), created + timedelta(days=ctx.settings.pickups.expiry_days)
    )
    request_id = _text(data, "request_id", required=False)
    if request_id is not None:  # a kiosk order holds stock briefly, whatever the hub says
        expires = min(expires, created + timedelta(hours=ctx.settings.pickups.kiosk_hold_hours))
    known = set(units)
    levels = stock_repo.levels(conn, [ln.sku for ln in lines])
    reserved, movements = pickups.reserve(lines, levels, known)
    extra = {"confirmation": data["confirmation"]} if "confirmation" in data else {}
    order = Order(
        order_id=order_id,
        store_id=ctx.store_id,
        status="received",
        lines=reserved,
        currency=currency,
        customer={k: customer[k] for k in ("name", "email", "phone") if customer.get(k)},
        prepaid=data["prepaid"],
        pickup_code_hash=code_hash,
        created_at=created,
        expires_at=expires,
        request_id=request_id,
        extra=extra,
    )
    orders_repo.insert(conn, order, now)
    pickup_orders.write_order(conn, ctx, order, movements)
    kiosk_orders.confirmed(conn, order, data.get("pickup_code"))
    return order


def cancel_order(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> Order:
    """`order.cancel`: releases every reservation. Cancelling twice changes nothing."""
    order = pickup_orders.load_order(conn, _text(data, "order_id") or "")
    if order.status == "cancelled":
        return order
    order, movements = pickups.release_all(order, "cancelled")
    pickup_orders.write_order(conn, ctx, order, movements)
    return order
