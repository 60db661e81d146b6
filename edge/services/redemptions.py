"""Redeeming points at the till: every [loyalty] redeem_points points take redeem_value off the
basket, as a basket discount the redemption approves. The hub authorises it when it can be
reached (and records it at once, so two tills cannot spend the same points); offline the till
allows at most [loyalty] offline_redeem_daily_limit points per card a day here, records it, and
the hub reconciles it when the sale's event arrives, flagging an overdraft instead of refusing
the past (sync/hub/loyalty_apply.py)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from typing import Any

from edge.domain.basket import Basket
from edge.domain.errors import Conflict, InvalidInput
from edge.domain.events import Event
from edge.domain.loyalty import OfflineAllowance
from edge.domain.sale import Sale
from edge.services import baskets, hub_lookup
from edge.services.context import Context
from edge.store import customers_repo, outbox

LOYALTY_REDEEMED = "loyalty.redeemed"
LOYALTY_RELEASED = "loyalty.released"


def _value(ctx: Context, points: int) -> int:
    cfg = ctx.settings.loyalty
    if points <= 0 or points % cfg.redeem_points:
        raise InvalidInput(f"points are redeemed in multiples of {cfg.redeem_points}")
    return points // cfg.redeem_points * cfg.redeem_value


def redeem(ctx: Context, basket_id: str, points: int) -> dict[str, Any]:
    value = _value(ctx, points)
    view = baskets.get_basket(ctx, basket_id)
    view.basket.ensure_open()
    with ctx.db.read() as conn:
        member = customers_repo.of_basket(conn, basket_id)
        if customers_repo.redemption_of(conn, basket_id) is not None:
            raise Conflict("this basket already redeems points")
    if member is None or (member["customer_id"] is None and member["card"] is None):
        raise Conflict("scan the customer's card (or type their phone) first")
    if view.basket.discount_percent or view.basket.discount_amount:
        raise Conflict("the basket already has a discount: points cannot be added to it")
    if value > view.priced.total:
        raise InvalidInput(f"{points} points are worth more than the basket")
    redemption_id = f"{ctx.store_id}-{uuid.uuid4().hex[:16]}"
    customer_id, card = member["customer_id"], member["card"]
    offline = customer_id is None
    if not offline:
        try:
            hub_lookup.redeem(ctx, customer_id, redemption_id, points)
        except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
            offline = True
    now = ctx.clock()
    if offline:
        _within_offline_limit(ctx, customer_id, card, points, now)

    def record(conn: sqlite3.Connection, _basket: Basket) -> None:
        customers_repo.add_redemption(
            conn, basket_id, redemption_id, customer_id, card, points, value, offline, now
        )

    view = baskets.discount_by_rule(ctx, basket_id, value, f"loyalty:{redemption_id}", record)
    return {
        "basket_id": basket_id,
        "redemption": {
            "id": redemption_id, "points": points, "value": value, "offline": offline,
        },
        "total": view.priced.total,
    }  # fmt: skip


def _within_offline_limit(
    ctx: Context, customer_id: str | None, card: str | None, points: int, now: datetime
) -> None:
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with ctx.db.read() as conn:
        today = customers_repo.redeemed_offline_since(conn, customer_id, card, day)
    limit = ctx.settings.loyalty.offline_redeem_daily_limit
    if not OfflineAllowance(limit, today).allows(points):
        raise Conflict(
            f"the hub cannot be reached: offline a card redeems at most {limit} points a day"
            f" here ({today} already today)",
            limit=limit,
            redeemed_today=today,
        )


def redeemed_on_sale(conn: sqlite3.Connection, sale: Sale) -> int:
    """The sale hook's part: the redemption paid with the sale goes to the hub as an event
    (a no-op there when the hub authorised it); returns the points redeemed."""
    row = customers_repo.redemption_of(conn, sale.basket_id) if sale.basket_id else None
    if row is None:
        return 0
    data = {
        "redemption_id": row["redemption_id"],
        "customer_id": row["customer_id"],
        "card": row["card"],
        "points": row["points"],
        "value": row["value"],
        "offline": bool(row["offline"]),
        "receipt_no": sale.receipt_no,
        "at": sale.at.isoformat(),
    }
    outbox.append(conn, Event(LOYALTY_REDEEMED, data), sale.at)
    if row["customer_id"]:
        customers_repo.add_points(conn, row["customer_id"], -int(row["points"]))
    return int(row["points"])


def released_on_cancel(conn: sqlite3.Connection, basket_id: str, at: datetime) -> None:
    """The cancel hook: a redemption the hub authorised (and so recorded) online, on a basket
    now cancelled, is given back there: one `loyalty.released` event in the cancel's own
    transaction (the hub applies it once, keyed by the redemption). An offline one never left
    the till: nothing to give back."""
    row = customers_repo.redemption_of(conn, basket_id)
    if row is None or row["offline"]:
        return
    data = {
        "redemption_id": row["redemption_id"],
        "customer_id": row["customer_id"],
        "points": row["points"],
        "at": at.isoformat(),
    }
    outbox.append(conn, Event(LOYALTY_RELEASED, data), at)
