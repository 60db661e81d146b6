"""Handing a pickup order over at the till: the pickup code checked (wrong ones counted, the
order locked after too many, a supervisor unlocking it), and paying at pickup on the order's
terms, in the collection's transaction."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from edge import signing
from edge.domain import approvals, pickups, pricing
from edge.domain.basket import Basket, BasketLine, price
from edge.domain.errors import Conflict, Forbidden, InvalidInput
from edge.domain.pickups import Order
from edge.domain.sale import Sale
from edge.domain.staff import Role
from edge.domain.stock import Movement, MovementKind
from edge.domain.tenders import Tender
from edge.services import checkout, documents, signed_qr
from edge.services import pickups as pickup_orders
from edge.services.auth import Actor, approval
from edge.services.context import Context
from edge.store import baskets_repo, catalogue_repo, orders_repo


class WrongPickupCode(Forbidden):
    code = "wrong-pickup-code"


@dataclass(frozen=True, slots=True)
class Collection:
    order: Order
    sale: Sale | None  # the pay-at-pickup sale, if one was made
    qr: str | None = None  # a paid order's proof of purchase, signed by this store


def _pay(
    conn: sqlite3.Connection,
    ctx: Context,
    actor: Actor,
    order: Order,
    handed: list[Movement],
    tenders: Sequence[Tender],
) -> Sale:
    """Pay-at-pickup: a checkout of the goods handed over on the order's terms (its unit prices
    and promotions, priced by edge/domain/pricing), in the collection's transaction (the basket
    and checkout services join it). The order itself approves what its terms take off today's
    shelf price."""
    now = ctx.clock()
    basket = Basket(
        id=uuid.uuid4().hex,
        register=actor.register,
        currency=order.currency,
        created_by=actor.username,
        created_at=now,
    )
    for i, m in enumerate(handed, start=1):
        product = catalogue_repo.get(conn, m.sku)
        line = order.line(m.sku)
        if product is None or line is None:
            raise Conflict(f"{m.sku} is no longer in the catalogue; it cannot be sold")
        gross = pricing.amount(line.unit, line.unit_price, m.qty)
        basket.lines.append(
            BasketLine(
                line_id=i,
                sku=m.sku,
                name=product.name("pl"),
                unit=line.unit,
                vat=product.vat,
                unit_price=product.price,
                qty=m.qty,
                price_override=line.unit_price,
                discount_amount=gross - line.amount(m.qty),
            )
        )
    promos = catalogue_repo.promotions_for(conn, (m.sku for m in handed))
    for r in approvals.reductions(basket, price(basket, promos, now)):
        if r.amount > 0:
            basket.approve(r.target, approvals.grant(r, f"order:{order.order_id}", "order_terms"))
    baskets_repo.create(conn, basket, now)
    baskets_repo.save(conn, basket, now)
    return checkout.checkout(ctx, actor, basket.id, list(tenders)).sale


def collect(
    ctx: Context,
    actor: Actor,
    order_id: str,
    code: str,
    lines: Mapping[str, int] | None = None,
    tenders: Sequence[Tender] = (),
) -> Collection:
    """Hands an order over. The code is checked against the stored hash; a wrong one is
    counted and commits even though the request fails, and the 5th locks the order. The
    transaction re-reads the order, so two registers can never both hand it over."""
    code = (code or "").strip()
    if not code.isdigit() or len(code) > 12:
        raise InvalidInput("the pickup code is the digits the shopper received")
    with ctx.db.read() as conn:
        before = pickup_orders.load_order(conn, order_id)
    pickups.ensure_collectable(before)
    if before.prepaid and tenders:
        raise InvalidInput(f"order {order_id} is prepaid; there is nothing to pay")
    ok = signing.check_pickup_code(code, before.pickup_code_hash)  # slow: outside the lock
    sale: Sale | None = None
    qr: str | None = None
    with ctx.db.transaction() as conn:
        order = pickup_orders.load_order(conn, order_id)
        pickups.ensure_collectable(order)
        if not ok:
            order = pickups.after_wrong_code(order, ctx.settings.pickups.max_code_attempts)
            orders_repo.save(conn, order, ctx.clock())
        else:
            order, handed, released = pickups.collection(order, lines)
            if not order.prepaid and handed:
                sale = _pay(conn, ctx, actor, order, handed, tenders)
                order = replace(order, receipt_no=sale.receipt_no)
                # The sale took the goods off the shelf stock; drop their reservation too.
                released = released + [Movement(m.sku, MovementKind.RELEASE, m.qty) for m in handed]
                handed = []
            extra = {**order.extra, "collected_at": ctx.clock().isoformat()}
            order = replace(order, code_attempts=0, extra=extra)
            pickup_orders.write_order(conn, ctx, order, handed + released)
            # Paid at pickup, the sale's receipt is the proof of purchase; paid online, this
            # store vouches for what it handed over (a QR the hub's creation one never was).
            if order.prepaid and any(ln.collected for ln in order.lines):
                qr = signed_qr.collection_qr(ctx, order)
            documents.enqueue(
                conn,
                ctx,
                "pickup_collection",
                {**pickup_orders.slip(order), "by": actor.username, "qr": qr},
            )
    if not ok:
        if order.locked:
            pickups.ensure_collectable(order)  # raises AccountLocked
        left = ctx.settings.pickups.max_code_attempts - order.code_attempts
        raise WrongPickupCode(
            f"wrong pickup code; {left} attempt(s) left before the order is locked",
            attempts_left=left,
        )
    ctx.hooks.outbox_written()
    return Collection(order, sale, qr)


def unlock(
    ctx: Context, actor: Actor, order_id: str, approver: tuple[str, str] | None = None
) -> Order:
    """A supervisor unlocks an order locked by wrong codes (their session or their PIN)."""
    approval(ctx, actor, Role.SUPERVISOR, approver, "unlocking a pickup order")
    with ctx.db.transaction() as conn:
        order = replace(pickup_orders.load_order(conn, order_id), locked=False, code_attempts=0)
        orders_repo.save(conn, order, ctx.clock())
    return order
