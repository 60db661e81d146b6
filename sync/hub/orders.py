"""Click & collect orders at the hub: created by the e-commerce platform (`POST /orders`) or
from a kiosk's `order.requested` event, sent to the store as a signed `order.create` command.

The hub decides: it validates an order with the rules every channel shares
(edge/domain/ordering.py), prices it with the one pricing rule (edge/domain/pricing.py) and
makes its pickup code. A web order's code exists only in the reply to its creator; a kiosk
order's code travels in the signed command on the requesting store's own topic, for the
shopper to read at that store's kiosk. The store keeps the scrypt hash to check it."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from pydantic import ConfigDict, Field

from edge.api.schemas import PlainText
from edge.domain import ordering, pricing
from edge.domain.errors import DomainError, NotFound
from edge.signing import hash_pickup_code, new_pickup_code, sign
from sync.hub import commands
from sync.hub.context import HubContext
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import customers as customers_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store.port import Tx, utc_iso
from sync.protocol import Command

log = logging.getLogger(__name__)


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
    # The web shop's signed-in customer (the CRM's id): the order shows in their history.
    customer_id: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")


def priced_lines(tx: Tx, lines: list[tuple[str, int]], now: datetime) -> list[pricing.OrderLine]:
    """The order's lines checked against the hub's catalogue and priced as a till would."""
    skus = list(ordering.merge(lines))
    products = {sku: catalogue_repo.get(tx, sku) for sku in skus}
    checked = ordering.check_lines(lines, products)
    return pricing.price_order(checked, catalogue_repo.promotions_for(tx, skus), now)


def create_order(
    ctx: HubContext,
    tx: Tx,
    order: OrderIn,
    now: datetime,
    *,
    expires_in: timedelta | None = None,
    request_id: str | None = None,
) -> tuple[dict[str, Any], str | None, Command]:
    """Records an order and its `order.create` command in `tx`. Returns (order, its pickup code
    for a web order's creator or None, the command to send after the commit). A kiosk order
    (`request_id`) is never prepaid and its code goes to the store in the command."""
    customer = ordering.contact(order.customer.model_dump(exclude_none=True)).as_dict()
    priced = priced_lines(tx, [(ln.sku, ln.qty) for ln in order.lines], now)
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
    currency = ctx.settings.currency
    stamp = now.isoformat()
    expires = expires_in or timedelta(days=ctx.settings.order_expiry_days)
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
        "expires_at": (now + expires).isoformat(),
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
        prepaid=prepaid,
        customer=json.dumps(customer),
        at=utc_iso(now),
        lines=[
            orders_repo.Line(ln["sku"], ln["qty"], ln["unit_price"], ln["unit"],
                             ln["promotion"], ln["total"])
            for ln in lines
        ],
    )  # fmt: skip
    if order.customer_id:
        customers_repo.link_order(tx, order_id, order.customer_id)
    cmd = commands.issue(ctx, tx, order.store_id, "order.create", data, now)
    out = {k: v for k, v in data.items() if k != "pickup_code"}
    return {**out, "status": "sent"}, None if request_id else code, cmd


def from_request(ctx: HubContext, tx: Tx, req: dict[str, Any], now: datetime) -> Command | None:
    """A kiosk order is a request: the store is the topic's it arrived on (`req["store_id"]`,
    set by apply, never the payload's), the hub prices it and makes its pickup code, and it is
    never prepaid. Answered with `order.create` once per request_id (None for a replayed
    event), or `order.refused` with the reason the shared order rules give."""
    request_id = str(req["request_id"])
    store_id = str(req["store_id"])
    if orders_repo.exists_for_request(tx, request_id):
        return None
    try:
        with tx.savepoint("request"):
            order = OrderIn.model_validate(
                {
                    "store_id": store_id,
                    "lines": [{"sku": ln["sku"], "qty": ln["qty"]} for ln in req["lines"]],
                    "customer": req.get("customer") or {},
                }
            )
            _, _, cmd = create_order(
                ctx,
                tx,
                order,
                now,
                expires_in=timedelta(hours=ctx.settings.kiosk_order_expiry_hours),
                request_id=request_id,
            )
    except (ValueError, KeyError, TypeError, DomainError) as exc:
        detail = exc.detail if isinstance(exc, DomainError) else str(exc)[:300]
        reason = ordering.reason_of(exc) if isinstance(exc, DomainError) else "other"
        log.warning("kiosk order request %s from %s refused: %s", request_id, store_id, detail)
        data = {"request_id": request_id, "reason": reason, "detail": detail}
        return commands.issue(ctx, tx, store_id, "order.refused", data, now)
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
        "lines": [orders_repo.line_dict(ln) for ln in lines],
    }
