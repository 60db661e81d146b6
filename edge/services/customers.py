"""Customers at the till: looking a customer up (the hub first; the customers seen at this store
when the hub cannot answer, with the age of what is shown), attaching one to a basket by card
or phone, and the sale's points (edge/domain/loyalty.py), written with the sale.

A card works offline even for a customer never seen here: the sale's `loyalty.earned` event
carries the card and the hub finds its holder when the event arrives. A phone number offline
must belong to a customer seen here (a mistyped number would give someone else the points)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from edge.domain import loyalty
from edge.domain.customers import card_key, phone_key
from edge.domain.errors import InvalidInput, NotFound
from edge.domain.events import Event
from edge.domain.loyalty import PaidLine
from edge.domain.sale import Sale
from edge.services import baskets, hub_lookup, redemptions
from edge.services.baskets import load
from edge.services.context import Context
from edge.store import customers_repo, loyalty_repo, outbox

LOYALTY_EARNED = "loyalty.earned"
HISTORY_PAGE = 20


def _keys(ctx: Context, card: str | None, phone: str | None) -> tuple[str | None, str | None]:
    if bool(card) == bool(phone):
        raise InvalidInput("give the customer's card or phone (one of them)")
    if card:
        return card_key(card, ctx.settings.loyalty.card_prefix), None
    return None, phone_key(phone or "")


def _cached(row: sqlite3.Row, now: datetime) -> dict[str, Any]:
    return {
        "customer": {
            "customer_id": row["customer_id"],
            "card": row["card"],
            "phone": row["phone"],
            "name": row["name"],
            "points": row["points"],
            "consents": json.loads(row["consents"]),
        },
        "history": json.loads(row["history"]),
        "source": "cache",
        "as_of": row["fetched_at"],
        "age_s": max(0.0, (now - datetime.fromisoformat(row["fetched_at"])).total_seconds()),
    }


def lookup(
    ctx: Context, card: str | None = None, phone: str | None = None, *, history: bool = True
) -> dict[str, Any]:
    """{customer, history, source: hub|cache, as_of, age_s}. NotFound when nobody holds the
    card or phone; HubUnavailable when the hub cannot answer and the customer was not seen
    here within [loyalty] cache_days."""
    card, phone = _keys(ctx, card, phone)
    now = ctx.clock()
    try:
        found = hub_lookup.customer(ctx, card=card, phone=phone)
        if found is None:
            raise NotFound("no customer with that card or phone")
        page = _history(ctx, found["customer_id"]) if history else None
    except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
        since = now - timedelta(days=ctx.settings.loyalty.cache_days)
        with ctx.db.read() as conn:
            row = customers_repo.find(conn, card=card, phone=phone, since=since)
        if row is None:
            raise
        return _cached(row, now)
    with ctx.db.transaction() as conn:
        customers_repo.remember(conn, found, now, page)
    return {
        "customer": found,
        "history": page or [],
        "source": "hub",
        "as_of": now.isoformat(),
        "age_s": 0.0,
    }


def _history(ctx: Context, customer_id: str) -> list[Any]:
    body = hub_lookup.customer_history(ctx, customer_id, HISTORY_PAGE)
    return list(body.get("items") or []) if body else []


def attach(
    ctx: Context, basket_id: str, card: str | None = None, phone: str | None = None
) -> dict[str, Any]:
    """The basket carries the customer: their sale earns points (written with the sale)."""
    with ctx.db.read() as conn:
        load(conn, basket_id).ensure_open()
    try:
        seen: dict[str, Any] | None = lookup(ctx, card, phone, history=False)
    except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
        if not card:
            raise
        seen = None  # a card the hub will resolve when the sale's event reaches it
    known = seen["customer"] if seen else None
    card = card_key(card, ctx.settings.loyalty.card_prefix) if card else None
    with ctx.db.transaction() as conn:
        load(conn, basket_id).ensure_open()
        customers_repo.attach(
            conn, basket_id, known["customer_id"] if known else None, card, ctx.clock()
        )
    return {
        "basket_id": basket_id,
        "customer": {
            "id": known["customer_id"] if known else None,
            "card": card or (known or {}).get("card"),
            "name": (known or {}).get("name", ""),
            "points_balance": known["points"] if known else None,
            "source": seen["source"] if seen else "card",
            "as_of": seen["as_of"] if seen else None,
        },
    }


def of_basket(ctx: Context, basket_id: str) -> dict[str, Any]:
    """The basket's customer and the points its lines will earn if paid now (the rules the
    sale will use), for the till to show before payment."""
    view = baskets.get_basket(ctx, basket_id)
    with ctx.db.read() as conn:
        member = customers_repo.of_basket(conn, basket_id)
        if member is None:
            return {"basket_id": basket_id, "customer": None, "points_to_earn": 0}
        skus = [p.line.sku for p in view.priced.lines]
        categories = loyalty_repo.categories_of(conn, skus)
        rules = loyalty_repo.all_rules(conn)
        cached = customers_repo.get(conn, member["customer_id"]) if member["customer_id"] else None
    lines = [
        PaidLine(p.line.sku, categories.get(p.line.sku, ""), p.line.qty, p.total)
        for p in view.priced.lines
    ]
    return {
        "basket_id": basket_id,
        "customer": {
            "id": member["customer_id"],
            "card": member["card"],
            "name": cached["name"] if cached else "",
            "points_balance": cached["points"] if cached else None,
            "balance_as_of": cached["fetched_at"] if cached else None,
        },
        "points_to_earn": sum(loyalty.points_for(lines, rules, ctx.clock())),
    }


def earn_on_sale(conn: sqlite3.Connection, sale: Sale) -> None:
    """The sale hook: a member's sale earns by the catalogue's rules; one `loyalty.earned`
    event, in the sale's own transaction, keyed at the hub by the receipt number."""
    member = customers_repo.of_basket(conn, sale.basket_id) if sale.basket_id else None
    if member is None or (member["customer_id"] is None and member["card"] is None):
        return
    redeemed = redemptions.redeemed_on_sale(conn, sale)  # before: the balance is after it
    categories = loyalty_repo.categories_of(conn, (ln.sku for ln in sale.lines))
    lines = [PaidLine(ln.sku, categories.get(ln.sku, ""), ln.qty, ln.total) for ln in sale.lines]
    points = loyalty.points_for(lines, loyalty_repo.all_rules(conn), sale.at)
    customer_id = member["customer_id"]
    cached = customers_repo.get(conn, customer_id) if customer_id else None
    balance = cached["points"] + sum(points) if cached else None
    customers_repo.record_sale(
        conn, sale.receipt_no, customer_id, member["card"], sum(points), redeemed, balance,
        cached["fetched_at"] if cached else None,
    )  # fmt: skip
    if cached:
        customers_repo.add_points(conn, customer_id, sum(points))
    data = {
        "customer_id": customer_id,
        "card": member["card"],
        "receipt_no": sale.receipt_no,
        "at": sale.at.isoformat(),
        "lines": [
            {"sku": ln.sku, "qty": ln.qty, "points": p}
            for ln, p in zip(sale.lines, points, strict=True)
        ],
    }
    outbox.append(conn, Event(LOYALTY_EARNED, data), sale.at)


def sale_customer(ctx: Context, receipt_no: str) -> dict[str, Any]:
    """What the sale's answer and receipt show of the member: {"customer": …} or nothing. The
    balance is the one seen at the till (as of when it was fetched) plus this sale."""
    with ctx.db.read() as conn:
        row = customers_repo.of_sale(conn, receipt_no)
    if row is None:
        return {}
    return {
        "customer": {
            "id": row["customer_id"],
            "points_earned": row["points"],
            "points_redeemed": row["redeemed"],
            "points_balance": row["balance"],
            "balance_as_of": row["balance_as_of"],
        }
    }


def forget_unseen(ctx: Context) -> int:
    before = ctx.clock() - timedelta(days=ctx.settings.loyalty.cache_days)
    with ctx.db.transaction() as conn:
        return customers_repo.forget_older(conn, before)
