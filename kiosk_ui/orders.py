"""The kiosk's side of click & collect: placing an endless-aisle order and looking one up.
The services belong to the pickups part (edge.services.pickups); they are imported lazily so a
node without them shows an honest 'not available' instead of failing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from edge.services.context import Context
from edge.services.kiosk_orders import Status
from kiosk_ui import runtime

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The pickups part is not installed on this node."""


SHORT = 8  # characters of the request id a shopper reads out or types


@dataclass(frozen=True, slots=True)
class Placed:
    request_id: str
    pickup_code: str | None  # the hub makes it: shown at the order status once confirmed
    queued: bool  # still in the outbox: the hub has not seen it yet
    printed: bool

    @property
    def number(self) -> str:
        """What the shopper quotes (the slip's QR carries the whole request id)."""
        return self.request_id[:SHORT].upper()


def _service(name: str) -> Any:
    fn = runtime.optional("edge.services.kiosk_orders", name)
    if fn is None:
        raise Unavailable(name)
    return fn


def _print_slip(ctx: Context, payload: dict[str, Any]) -> bool:
    """Queues the shopper's slip on the kiosk printer; False when there is none to ask."""
    enqueue = runtime.optional("devices.service", "enqueue_document")
    if enqueue is None:
        return False
    try:
        with ctx.db.transaction() as conn:
            job = enqueue(conn, ctx, "pickup_slip", payload)
    except Exception:
        log.exception("could not queue the kiosk order slip")
        return False
    return job is not None  # None: no printer serves pickup slips here


def place(
    ctx: Context, lines: list[tuple[str, int]], customer: dict[str, str], kiosk: str = "kiosk"
) -> Placed:
    request = _service("request_order")(ctx, lines, customer, True, kiosk=kiosk)
    status = runtime.node_status(ctx)
    queued = status.sync is None or not status.sync.get("connected", False)
    number = str(request.request_id)
    printed = _print_slip(
        ctx,
        {  # the pickup slip layout (order_id, name, shelf, qr, lines) plus the shopper's code
            "order_id": number,
            "qr": number,
            "name": customer.get("name", ""),
            "shelf": None,
            "lines": [{"sku": sku, "qty": qty} for sku, qty in lines],
            "queued": queued,
        },
    )
    return Placed(number, None, queued, printed)


def status(ctx: Context, number: str) -> Status:
    """An order as the shopper sees it (edge.services.kiosk_orders.order_status): `number` is
    an order id, a request id, or its first 8 characters as printed on the slip."""
    return _service("order_status")(ctx, number)  # type: ignore[no-any-return]
