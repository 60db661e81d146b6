"""A shopper's own loyalty card at the kiosk: their points balance (from the hub now, or as
cached here with its age when the hub cannot answer) and the status of their click & collect
orders. Nothing here names the shopper: the kiosk is a public screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from edge.domain.loyalty import card_ok
from edge.services import customers, hub_lookup
from edge.services.context import Context

ORDERS_SHOWN = 5  # the latest few: a kiosk is no account page


@dataclass(frozen=True, slots=True)
class OrderState:
    order_id: str
    status: str  # the hub's: received, ready, collected, cancelled…


@dataclass(frozen=True, slots=True)
class MemberCard:
    card: str
    points: int
    as_of: datetime  # when the balance was known
    live: bool  # from the hub just now (else the balance cached at this store)
    orders: tuple[OrderState, ...] | None  # None: the hub cannot say now


def is_card(ctx: Context, code: str) -> bool:
    """A scan that is one of our loyalty cards (not a product)."""
    return card_ok(code.strip(), ctx.settings.loyalty.card_prefix)


def show(ctx: Context, card: str) -> MemberCard:
    """Raises NotFound for a card nobody holds, InvalidInput for something not a card, and
    HubUnavailable when the hub cannot answer and the card was not seen here lately."""
    found = customers.lookup(ctx, card=card, history=False)
    live = found["source"] == "hub"
    who: dict[str, Any] = found["customer"]
    orders = _orders(ctx, str(who["customer_id"])) if live else None
    return MemberCard(
        card.strip(), int(who.get("points") or 0), datetime.fromisoformat(found["as_of"]), live,
        orders,
    )  # fmt: skip


def _orders(ctx: Context, customer_id: str) -> tuple[OrderState, ...] | None:
    try:
        orders = hub_lookup.customer_orders(ctx, customer_id)
    except hub_lookup.HubUnavailable:
        return None
    latest = sorted(orders, key=lambda o: str(o.get("created_at", "")), reverse=True)
    return tuple(OrderState(str(o["order_id"]), str(o["status"])) for o in latest[:ORDERS_SHOWN])
