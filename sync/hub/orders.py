"""Click & collect orders at the hub: created by the e-commerce platform (`POST /orders`) or
from a kiosk's `order.requested` event, sent to the store as a signed `order.create` command.

The hub decides: it validates an order with the rules every channel shares
(edge/domain/ordering.py), prices it with the one pricing rule (edge/domain/pricing.py) and
makes its pickup code. A web order's code exists only in the reply to its creator; a kiosk
order's code travels in the signed command on the requesting store's own topic, for the
shopper to read at that store's kiosk. The store keeps the scrypt hash to check it."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ConfigDict, Field

from edge.api.schemas import PlainText
from edge.domain import ordering, pricing
from edge.domain.errors import NotFound
from edge.signing import hash_pickup_code, new_pickup_code, sign
from edge.store import catalogue_repo
from sync.protocol import Command


class OrderLineIn(PlainText):
    """Shapes only: the limits are edge/domain/ordering.py's (a 422 problem names them)."""

    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=ordering.SKU_MAX)
    qty: int = Field(ge=1, le=1_000_000)


class Customer(PlainText):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=4 * ordering.NAME_MAX)
    email: str | None = Field(None, max_length=4 * ordering.EMAIL_MAX)
    phone: str | None = Field(None, max_length=4 * ordering.PHONE_MAX)


class OrderIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    store_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=4 * ordering.MAX_LINES)
    customer: Customer
    prepaid: bool = False


def priced_lines(
    conn: sqlite3.Connection, lines: list[tuple[str, int]], now: datetime
) -> list[pricing.OrderLine]:
    """The order's lines checked against the hub's catalogue and priced as a till would."""
    skus = list(ordering.merge(lines))
    products = {sku: catalogue_repo.get(conn, sku) for sku in skus}
    checked = ordering.check_lines(lines, products)
    return pricing.price_order(checked, catalogue_repo.promotions_for(conn, skus), now)


def next_command(
    conn: sqlite3.Connection,
    key: Ed25519PrivateKey,
    store_id: str,
    kind: str,
    data: dict[str, Any],
    now: datetime,
) -> Command:
    """Numbers, signs and records a command for a store (sent after the commit)."""
    seq = conn.execute(
        "SELECT coalesce(max(seq), 0) + 1 FROM hub_commands WHERE store_id = ?", [store_id]
    ).fetchone()[0]
    cmd = Command(
        id=str(uuid.uuid4()),
        seq=seq,
        store_id=store_id,
        type=kind,
        issued_at=now.isoformat(),
        data=data,
    ).signed(key)
    conn.execute(
        "INSERT INTO hub_commands (id, store_id, seq, type, envelope, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [cmd.id, store_id, seq, kind, cmd.model_dump_json(), now.isoformat()],
    )
    return cmd


def create_order(
    conn: sqlite3.Connection,
    key: Ed25519PrivateKey,
    order: OrderIn,
    now: datetime,
    *,
    currency: str,
    expires_in: timedelta,
    request_id: str | None = None,
) -> tuple[dict[str, Any], str | None, Command]:
    """Returns (order, its pickup code for a web order's creator or None, the command). A kiosk
    order (`request_id`) is never prepaid and its code goes to the store in the command."""
    customer = ordering.contact(order.customer.model_dump(exclude_none=True)).as_dict()
    priced = priced_lines(conn, [(ln.sku, ln.qty) for ln in order.lines], now)
    lines: list[dict[str, Any]] = [
        {
            "sku": ln.sku,
            "qty": ln.qty,
            "unit": ln.unit,
            "unit_price": ln.unit_price,
            "promotion": pricing.terms(ln.promotion),
            "total": ln.total,
        }
        for ln in priced
    ]
    total = sum(ln.total for ln in priced)
    order_id = "O-" + uuid.uuid4().hex[:12].upper()
    code = new_pickup_code()
    prepaid = order.prepaid and request_id is None
    stamp = now.isoformat()
    # The signed confirmation is a proof of purchase only when it says the order is paid
    # (edge/services/signed_qr.py); an order paid at pickup is proven by the collecting store.
    payload = {
        "kind": "order",
        "state": "paid" if prepaid else "ordered",
        "ref": order_id,
        "store_id": order.store_id,
        "at": stamp,
        "currency": currency,
        "lines": lines,
    }
    data = {
        "order_id": order_id,
        **({"request_id": request_id, "pickup_code": code} if request_id else {}),
        "store_id": order.store_id,
        "lines": lines,
        "total": total,
        "currency": currency,
        "customer": customer,
        "prepaid": prepaid,
        "pickup_code_hash": hash_pickup_code(code),
        "created_at": stamp,
        "expires_at": (now + expires_in).isoformat(),
        "confirmation": {"payload": payload, "signature": sign(key, payload)},
    }
    conn.execute("INSERT OR IGNORE INTO hub_stores (store_id) VALUES (?)", [order.store_id])
    conn.execute(
        "INSERT INTO hub_orders (order_id, request_id, store_id, status, currency, total,"
        " prepaid, customer, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            order_id,
            request_id,
            order.store_id,
            "sent",
            currency,
            total,
            int(prepaid),
            json.dumps(customer),
            stamp,
            stamp,
        ],
    )
    conn.executemany(
        "INSERT INTO hub_order_lines (order_id, sku, qty, unit_price, unit, promotion, total)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (order_id, ln["sku"], ln["qty"], ln["unit_price"], ln["unit"],
             json.dumps(ln["promotion"]) if ln["promotion"] else None, ln["total"])
            for ln in lines
        ],
    )  # fmt: skip
    cmd = next_command(conn, key, order.store_id, "order.create", data, now)
    out = {k: v for k, v in data.items() if k != "pickup_code"}
    return {**out, "status": "sent"}, None if request_id else code, cmd


def get_order(conn: sqlite3.Connection, order_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM hub_orders WHERE order_id = ?", [order_id]).fetchone()
    if row is None:
        raise NotFound(f"no order {order_id}")
    lines = conn.execute(
        "SELECT sku, qty, unit, unit_price, promotion, total, reserved, collected, short,"
        " returned FROM hub_order_lines WHERE order_id = ? ORDER BY sku",
        [order_id],
    ).fetchall()
    return {
        "order_id": row["order_id"],
        "request_id": row["request_id"],
        "status": row["status"],
        "store_id": row["store_id"],
        "currency": row["currency"],
        "total": row["total"],
        "prepaid": bool(row["prepaid"]),
        "shelf": row["shelf"],
        "receipt_no": row["receipt_no"],
        "reason": row["reason"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "lines": [
            {**dict(ln), "promotion": json.loads(ln["promotion"]) if ln["promotion"] else None}
            for ln in lines
        ],
    }
