"""Click & collect orders at the hub: created by the e-commerce platform (`POST /orders`) or
from a kiosk's `order.requested` event, sent to the store as a signed `order.create` command.
The pickup code exists only in the reply to its creator; the store gets its scrypt hash."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from edge.api.schemas import PlainText
from edge.domain.errors import DomainError, InvalidInput, NotFound
from edge.signing import hash_pickup_code, new_pickup_code, sign
from sync.hub import commands
from sync.hub.context import HubContext
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store.port import Tx, utc_iso
from sync.protocol import Command

log = logging.getLogger(__name__)


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


def create_order(
    ctx: HubContext,
    tx: Tx,
    order: OrderIn,
    now: datetime,
    *,
    request_id: str | None = None,
    pickup_code_hash: str | None = None,
) -> tuple[dict[str, Any], str | None, Command]:
    """Records an order and its `order.create` command in `tx`. Returns (order, the pickup
    code or None when the requester holds it, the command to send after the commit)."""
    merged: dict[str, int] = {}
    for ln in order.lines:
        merged[ln.sku] = merged.get(ln.sku, 0) + ln.qty
    lines: list[dict[str, Any]] = []
    for sku, qty in merged.items():
        price = catalogue_repo.price_of(tx, sku)
        if price is None or not price[1]:
            raise InvalidInput(f"lines: unknown product {sku}")
        lines.append({"sku": sku, "qty": qty, "unit_price": price[0]})
    total = sum(ln["qty"] * ln["unit_price"] for ln in lines)
    order_id = "O-" + uuid.uuid4().hex[:12].upper()
    code = None
    if pickup_code_hash is None:
        code = new_pickup_code()
        pickup_code_hash = hash_pickup_code(code)
    customer = order.customer.model_dump(exclude_none=True)
    currency = ctx.settings.currency
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
        "expires_at": (now + timedelta(days=ctx.settings.order_expiry_days)).isoformat(),
        "confirmation": {"payload": payload, "signature": sign(ctx.key, payload)},
    }
    orders_repo.add(
        tx,
        order_id=order_id,
        request_id=request_id,
        store_id=order.store_id,
        status="sent",
        currency=currency,
        total=total,
        prepaid=order.prepaid,
        customer=json.dumps(customer),
        at=utc_iso(now),
        lines=[(ln["sku"], ln["qty"], ln["unit_price"]) for ln in lines],
    )
    cmd = commands.issue(ctx, tx, order.store_id, "order.create", data, now)
    return {**data, "status": "sent"}, code, cmd


def from_request(ctx: HubContext, tx: Tx, req: dict[str, Any], now: datetime) -> Command | None:
    """A kiosk's order request: an order once per request_id (a replayed event changes
    nothing); a request the hub refuses is logged and makes no order."""
    if orders_repo.exists_for_request(tx, str(req["request_id"])):
        return None
    try:
        order = OrderIn.model_validate(
            {
                "store_id": req["store_id"],
                "lines": [{"sku": ln["sku"], "qty": ln["qty"]} for ln in req["lines"]],
                "customer": req.get("customer") or {},
                "prepaid": bool(req.get("prepaid", False)),
            }
        )
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("kiosk order request %s refused: %s", req.get("request_id"), exc)
        return None
    try:
        with tx.savepoint("request"):
            _, _, cmd = create_order(
                ctx,
                tx,
                order,
                now,
                request_id=str(req["request_id"]),
                pickup_code_hash=req.get("pickup_code_hash"),
            )
    except DomainError as exc:
        log.warning("kiosk order request %s refused: %s", req.get("request_id"), exc.detail)
        return None
    return cmd


def get_order(tx: Tx, order_id: str) -> dict[str, Any]:
    found = orders_repo.get(tx, order_id)
    if found is None:
        raise NotFound(f"no order {order_id}")
    row, lines = found
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
