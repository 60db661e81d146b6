"""The kiosk's side of click & collect: placing an endless-aisle order and looking one up, both
through edge.services.kiosk_orders (which also queues the shopper's slip)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from edge.services import kiosk_orders
from edge.services.context import Context
from edge.services.kiosk_orders import Status
from kiosk_ui import runtime


@dataclass(frozen=True, slots=True)
class Placed:
    request_id: str
    number: str  # what the shopper quotes (the slip's QR carries the whole request id)
    queued: bool  # still in the outbox: the hub has not seen it yet
    printed: bool
    collect_by: datetime | None  # the latest the store holds the goods
    lines: tuple[tuple[str, int], ...]  # (SKU, pieces or grams) as ordered


def place(
    ctx: Context,
    parts: runtime.UiParts,
    lines: list[tuple[str, int]],
    customer: dict[str, str],
    consent: bool,
    kiosk: str = "kiosk",
) -> Placed:
    """Raises the domain's refusal (edge.domain.ordering) when the order breaks a rule."""
    sync = runtime.node_status(ctx, parts).sync
    queued = sync is None or not sync.get("connected", False)
    request = kiosk_orders.request_order(
        ctx, lines, customer, consent, kiosk=kiosk, slip=True, queued=queued
    )
    return Placed(
        request.request_id,
        request.number,
        queued,
        request.printed,
        request.collect_by,
        tuple(lines),
    )


def status(ctx: Context, number: str) -> Status:
    """An order as the shopper sees it: `number` is an order id, a request id, or its first 8
    characters as printed on the slip."""
    return kiosk_orders.order_status(ctx, number)
