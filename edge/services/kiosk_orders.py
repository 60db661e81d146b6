"""Endless-aisle orders from the kiosk: the shopper's request (validated by the rules every
channel shares, edge/domain/ordering.py, and rate-limited per kiosk and per shopper), then its
fate as the hub decides: an order confirmed with the hub's pickup code, or refused with a reason.

The hub, not the store, makes the pickup code. It travels in the hub's signed `order.create`
command on this store's own command topic (which only this store and the hub may read); the
store keeps it with the request until the order ends, for the shopper to read at the kiosk's
order status with the number on their slip, and never shows it at the POS."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from edge.domain import ordering, pickups
from edge.domain.errors import InvalidInput, NotFound, RateLimited
from edge.domain.events import Event
from edge.services import documents
from edge.services.context import Context
from edge.store import catalogue_repo, orders_repo, outbox

SHORT = 8  # characters of the request id a shopper reads out or types
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


@dataclass(frozen=True, slots=True)
class OrderRequest:
    request_id: str
    printed: bool = False  # the shopper's slip is queued on a printer here
    collect_by: datetime | None = None  # the latest the store holds it (pickups.kiosk_hold_hours)

    @property
    def number(self) -> str:
        """What the shopper quotes (the slip's QR carries the whole request id)."""
        return self.request_id[:SHORT].upper()


def _within_limits(conn: sqlite3.Connection, ctx: Context, kiosk: str, contact: str) -> None:
    """Counted inside the write transaction: concurrent requests cannot all slip through."""
    cfg, now = ctx.settings.pickups, ctx.clock()
    for what, window, limit, key in (
        ("this kiosk", HOUR, cfg.kiosk_orders_per_hour, {"kiosk": kiosk}),
        ("this e-mail or phone", DAY, cfg.kiosk_orders_per_contact_per_day, {"contact": contact}),
    ):
        recent = orders_repo.recent_requests(conn, since=now - window, limit=limit, **key)
        wait = ordering.retry_after(recent, limit, window, now)
        if wait is not None:
            raise RateLimited(
                f"too many pickup orders from {what}; try again later",
                retry_after_s=round(wait),
            )


def request_order(
    ctx: Context,
    lines: Sequence[tuple[str, int]],
    customer: Mapping[str, Any],
    consent: bool,
    *,
    kiosk: str = "kiosk",
    slip: bool = False,
    queued: bool = False,
) -> OrderRequest:
    """A shopper orders at the kiosk for pickup. Written as an `order.requested` event that
    waits in the outbox while the store is offline; the hub answers with `order.create` (with
    the pickup code) or `order.refused` (with the reason). With `slip`, the shopper's slip is
    queued on the kiosk's printer in the same transaction; `queued` (the hub is out of reach)
    makes it say the order is not confirmed yet."""
    who = ordering.contact(customer)
    ordering.check_consent(consent)
    with ctx.db.read() as conn:
        products = {sku: catalogue_repo.get(conn, sku) for sku in ordering.merge(lines)}
    checked = ordering.check_lines(lines, products)
    items: list[dict[str, object]] = [{"sku": p.sku, "qty": qty} for p, qty in checked]
    request_id = str(uuid.uuid4())
    now = ctx.clock()
    with ctx.db.transaction() as conn:
        _within_limits(conn, ctx, kiosk, who.key)
        orders_repo.insert_request(
            conn, request_id, items, who.as_dict(), now, kiosk=kiosk, contact=who.key
        )
        data = {
            "request_id": request_id,
            "store_id": ctx.store_id,  # informative: the hub takes the store from the topic
            "lines": items,
            "customer": who.as_dict(),
            "consent": True,
        }
        outbox.append(conn, Event(pickups.ORDER_REQUESTED, data), now)
        printed = slip and documents.enqueue(
            conn,
            ctx,
            "pickup_slip",
            {  # the pickup slip's layout (order_id, name, shelf, qr, lines) for the shopper
                "order_id": request_id,
                "qr": request_id,
                "name": who.name,
                "shelf": None,
                "lines": items,
                "queued": queued,
            },
        )
    ctx.hooks.outbox_written()
    return OrderRequest(
        request_id, printed, now + timedelta(hours=ctx.settings.pickups.kiosk_hold_hours)
    )


# --- the hub's answer (inside the sync agent's command transaction) ----------------------------


def confirmed(conn: sqlite3.Connection, order: pickups.Order, code: Any) -> None:
    """`order.create` for one of our kiosk requests: the shopper may now read the code."""
    if order.request_id is None:
        return
    pickup_code = code if isinstance(code, str) and code.isdigit() and len(code) <= 12 else None
    orders_repo.confirm_request(conn, order.request_id, order.order_id, pickup_code)


def refused(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> None:
    """`order.refused`: the hub will not make an order of the request; the kiosk says why."""
    request_id = data.get("request_id")
    if not isinstance(request_id, str) or not orders_repo.has_request(conn, request_id):
        raise InvalidInput(f"no kiosk order request {request_id!r} at this store")
    reason = data.get("reason")
    reason = reason if reason in ordering.REASONS else "other"
    detail = str(data.get("detail") or "")[:500]
    orders_repo.refuse_request(conn, request_id, reason, detail)


def ended(conn: sqlite3.Connection, order: pickups.Order) -> None:
    """The order is over (collected, expired, cancelled): its code is no longer shown."""
    if order.request_id and not order.open:
        orders_repo.forget_code(conn, order.request_id)


# --- the kiosk's order status --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    """An order as the shopper sees it at the kiosk. `status` is the order's (received, ready,
    collected…), "requested" while the hub has not answered, or "rejected" with `reason` (one
    of edge.domain.ordering.REASONS) and the hub's `detail`. `pickup_code` while it is open."""

    status: str
    request_id: str | None = None
    order_id: str | None = None
    reason: str | None = None
    detail: str | None = None
    pickup_code: str | None = None

    @property
    def number(self) -> str:
        return (self.request_id or "")[:SHORT].upper() or (self.order_id or "")


def order_status(ctx: Context, number: str) -> Status:
    """By the order number, the request id or its first 8 characters (as on the slip)."""
    number = (number or "").strip()
    if not number or len(number) > 64 or not number.replace("-", "").isalnum():
        raise NotFound(f"no order {number[:64]}")
    with ctx.db.read() as conn:
        order = orders_repo.get(conn, number)
        request = None
        if order is None and len(number) >= SHORT:
            request = orders_repo.find_request(conn, number)
            if request is not None and request["order_id"]:
                order = orders_repo.get(conn, request["order_id"])
        elif order is not None and order.request_id:
            request = orders_repo.find_request(conn, order.request_id)
    if order is not None:
        code = request["pickup_code"] if request is not None and order.open else None
        return Status(order.status, order.request_id, order.order_id, pickup_code=code)
    if request is None:
        raise NotFound(f"no order {number}")
    if request["status"] == "refused":
        return Status("rejected", request["request_id"], None, request["reason"], request["detail"])
    return Status("requested", request["request_id"])
