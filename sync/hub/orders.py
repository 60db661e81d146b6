"""Click & collect orders at the hub: created by the e-commerce platform (`POST /orders`) or
from a kiosk's `order.requested` event, sent to the store as a signed `order.create` command.
The pickup code exists only in the reply to its creator; the store gets its scrypt hash."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ConfigDict, Field, model_validator

from edge.api.schemas import PlainText
from edge.domain.errors import InvalidInput, NotFound
from edge.signing import hash_pickup_code, new_pickup_code, sign
from sync.protocol import Command


class OrderLineIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=1000)


class Customer(PlainText):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9 ()-]{5,32}$")

    @model_validator(mode="after")
    def _contact(self) -> Customer:
        if not self.email and not self.phone:
            raise ValueError("customer needs an email or a phone")
        return self


class OrderIn(PlainText):
    model_config = ConfigDict(extra="forbid")
    store_id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    customer: Customer
    prepaid: bool = False


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
    expiry_days: int,
    request_id: str | None = None,
    pickup_code_hash: str | None = None,
) -> tuple[dict[str, Any], str | None, Command]:
    """Returns (order, the pickup code or None when the requester holds it, the command)."""
    merged: dict[str, int] = {}
    for ln in order.lines:
        merged[ln.sku] = merged.get(ln.sku, 0) + ln.qty
    lines = []
    for sku, qty in merged.items():
        row = conn.execute("SELECT price, active FROM products WHERE sku = ?", [sku]).fetchone()
        if row is None or not row["active"]:
            raise InvalidInput(f"lines: unknown product {sku}")
        lines.append({"sku": sku, "qty": qty, "unit_price": row["price"]})
    total = sum(ln["qty"] * ln["unit_price"] for ln in lines)
    order_id = "O-" + uuid.uuid4().hex[:12].upper()
    code = None
    if pickup_code_hash is None:
        code = new_pickup_code()
        pickup_code_hash = hash_pickup_code(code)
    customer = order.customer.model_dump(exclude_none=True)
    stamp = now.isoformat()
    payload = {
        "kind": "order",
        "ref": order_id,
        "store_id": order.store_id,
        "at": stamp,
        "currency": currency,
        "lines": lines,
    }
    data = {
        "order_id": order_id,
        **({"request_id": request_id} if request_id else {}),
        "store_id": order.store_id,
        "lines": lines,
        "total": total,
        "currency": currency,
        "customer": customer,
        "prepaid": order.prepaid,
        "pickup_code_hash": pickup_code_hash,
        "created_at": stamp,
        "expires_at": (now + timedelta(days=expiry_days)).isoformat(),
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
            int(order.prepaid),
            json.dumps(customer),
            stamp,
            stamp,
        ],
    )
    conn.executemany(
        "INSERT INTO hub_order_lines (order_id, sku, qty, unit_price) VALUES (?, ?, ?, ?)",
        [(order_id, ln["sku"], ln["qty"], ln["unit_price"]) for ln in lines],
    )
    cmd = next_command(conn, key, order.store_id, "order.create", data, now)
    return {**data, "status": "sent"}, code, cmd


def get_order(conn: sqlite3.Connection, order_id: str) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM hub_orders WHERE order_id = ?", [order_id]).fetchone()
    if row is None:
        raise NotFound(f"no order {order_id}")
    lines = conn.execute(
        "SELECT sku, qty, unit_price, reserved, collected, short, returned FROM hub_order_lines"
        " WHERE order_id = ? ORDER BY sku",
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
        "lines": [dict(ln) for ln in lines],
    }
