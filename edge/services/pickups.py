"""Click & collect at the store: orders arriving from the hub, picking, the shelf, handing over
(with the pickup code, atomically), pay-at-pickup, expiry, cancellation, and kiosk order
requests. One use case per function, one transaction each; every change of an order writes an
`order.status` event to the outbox in that transaction."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from edge import signing
from edge.domain import approvals, pickups, pricing
from edge.domain.basket import Basket, BasketLine, price
from edge.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from edge.domain.pickups import Order
from edge.domain.sale import Sale
from edge.domain.staff import Role
from edge.domain.stock import Movement, MovementKind
from edge.domain.tenders import Tender
from edge.services import checkout, documents, kiosk_orders, signed_qr
from edge.services.auth import Actor, approval
from edge.services.context import Context
from edge.store import baskets_repo, catalogue_repo, orders_repo, outbox, stock_repo


class WrongPickupCode(Forbidden):
    code = "wrong-pickup-code"


def _write(conn: sqlite3.Connection, ctx: Context, order: Order, movements: list[Movement]) -> None:
    """Saves the order, records its stock movements and tells the hub, in the caller's
    transaction."""
    now = ctx.clock()
    if movements:
        stock_repo.record(conn, movements, ref=f"order:{order.order_id}", at=now)
    orders_repo.save(conn, order, now)
    kiosk_orders.ended(conn, order)
    levels = list(stock_repo.levels(conn, (ln.sku for ln in order.lines)).values())
    outbox.append(conn, pickups.status_event(order, levels), now)


def _load(conn: sqlite3.Connection, order_id: str) -> Order:
    order = orders_repo.get(conn, order_id)
    if order is None:
        raise NotFound(f"no pickup order {order_id}")
    return order


def _text(data: Mapping[str, Any], key: str, limit: int = 64, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise InvalidInput(f"'{key}' must be a non-empty string of at most {limit} characters")
    return value.strip()


def _when(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{value!r} is not an ISO 8601 timestamp") from None
    if when.tzinfo is None:
        raise InvalidInput(f"{value!r} has no time zone")
    return when


# --- hub commands (run inside the sync agent's transaction) ----------------------------------


def create_order(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> Order:
    """`order.create`: reserves what the store has and reports the rest as short. A repeated
    order id is answered with the order as it is (the hub may resend)."""
    order_id = _text(data, "order_id")
    assert order_id is not None
    if data.get("store_id") != ctx.store_id:
        raise InvalidInput(f"order {order_id} is for store {data.get('store_id')!r}, not this one")
    existing = orders_repo.get(conn, order_id)
    if existing is not None:
        return existing
    raw = data.get("lines")
    skus = {ln.get("sku") for ln in raw if isinstance(ln, dict)} if isinstance(raw, list) else ()
    products = {s: catalogue_repo.get(conn, s) for s in skus if isinstance(s, str)}
    units = {sku: p.unit for sku, p in products.items() if p is not None}
    lines = pickups.check_lines(raw, units)
    customer = data.get("customer")
    if not isinstance(customer, dict) or not isinstance(customer.get("name"), str):
        raise InvalidInput("an order needs customer.name")
    code_hash = data.get("pickup_code_hash")
    if not isinstance(code_hash, str) or not code_hash.startswith("scrypt$"):
        raise InvalidInput("an order needs its pickup_code_hash (scrypt$...)")
    if not isinstance(data.get("prepaid"), bool):
        raise InvalidInput("'prepaid' must be true or false")
    currency = data.get("currency") or ctx.currency
    if currency != ctx.currency:
        raise InvalidInput(f"order currency {currency!r} is not this store's {ctx.currency}")
    now = ctx.clock()
    created = _when(data.get("created_at"), now)
    expires = _when(
        data.get("expires_at"), created + timedelta(days=ctx.settings.pickups.expiry_days)
    )
    request_id = _text(data, "request_id", required=False)
    if request_id is not None:  # a kiosk order holds stock briefly, whatever the hub says
        expires = min(expires, created + timedelta(hours=ctx.settings.pickups.kiosk_hold_hours))
    known = set(units)
    levels = stock_repo.levels(conn, [ln.sku for ln in lines])
    reserved, movements = pickups.reserve(lines, levels, known)
    extra = {"confirmation": data["confirmation"]} if "confirmation" in data else {}
    order = Order(
        order_id=order_id,
        store_id=ctx.store_id,
        status="received",
        lines=reserved,
        currency=currency,
        customer={k: customer[k] for k in ("name", "email", "phone") if customer.get(k)},
        prepaid=data["prepaid"],
        pickup_code_hash=code_hash,
        created_at=created,
        expires_at=expires,
        request_id=request_id,
        extra=extra,
    )
    orders_repo.insert(conn, order, now)
    _write(conn, ctx, order, movements)
    kiosk_orders.confirmed(conn, order, data.get("pickup_code"))
    return order


def cancel_order(conn: sqlite3.Connection, ctx: Context, data: dict[str, Any]) -> Order:
    """`order.cancel`: releases every reservation. Cancelling twice changes nothing."""
    order = _load(conn, _text(data, "order_id") or "")
    if order.status == "cancelled":
        return order
    order, movements = pickups.release_all(order, "cancelled")
    _write(conn, ctx, order, movements)
    return order


# --- the store's own steps -------------------------------------------------------------------


def list_orders(ctx: Context, status: str | None = None, q: str | None = None) -> list[Order]:
    """Orders by status, and/or found by what the cashier scanned or typed: the QR on the
    shopper's phone, the order number, the shopper's name or phone."""
    if status is not None and status not in pickups.OPEN | pickups.FINAL:
        raise InvalidInput(f"unknown status {status!r}")
    if q and q.strip().startswith(signed_qr.PREFIX):
        payload, _sig, _key = signed_qr.decode(q)
        q = str(payload.get("ref") or "")
    with ctx.db.read() as conn:
        return orders_repo.search(conn, status, q)


def get_order(ctx: Context, order_id: str) -> Order:
    with ctx.db.read() as conn:
        return _load(conn, order_id)


def _step(ctx: Context, order_id: str, to: str, shelf: str | None = None) -> Order:
    with ctx.db.transaction() as conn:
        order = pickups.move(_load(conn, order_id), to, shelf)
        _write(conn, ctx, order, [])
        if to == "ready":
            documents.enqueue(conn, ctx, "pickup_slip", slip(order))
    ctx.hooks.outbox_written()
    return order


def start_picking(ctx: Context, actor: Actor, order_id: str) -> Order:
    return _step(ctx, order_id, "picking")


def mark_ready(ctx: Context, actor: Actor, order_id: str, shelf: str) -> Order:
    """The order is on the pickup shelf at `shelf`; the slip for the shelf is printed."""
    if len(shelf or "") > 32:
        raise InvalidInput("a shelf location is at most 32 characters")
    return _step(ctx, order_id, "ready", shelf)


def slip(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "name": order.customer.get("name", ""),
        "shelf": order.shelf,
        "qr": order.order_id,
        "lines": [{"sku": ln.sku, "qty": ln.reserved} for ln in order.lines if ln.reserved],
    }


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
        before = _load(conn, order_id)
    pickups.ensure_collectable(before)
    if before.prepaid and tenders:
        raise InvalidInput(f"order {order_id} is prepaid; there is nothing to pay")
    ok = signing.check_pickup_code(code, before.pickup_code_hash)  # slow: outside the lock
    sale: Sale | None = None
    qr: str | None = None
    with ctx.db.transaction() as conn:
        order = _load(conn, order_id)
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
            _write(conn, ctx, order, handed + released)
            # Paid at pickup, the sale's receipt is the proof of purchase; paid online, this
            # store vouches for what it handed over (a QR the hub's creation one never was).
            if order.prepaid and any(ln.collected for ln in order.lines):
                qr = signed_qr.collection_qr(ctx, order)
            documents.enqueue(
                conn, ctx, "pickup_collection", {**slip(order), "by": actor.username, "qr": qr}
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
        order = replace(_load(conn, order_id), locked=False, code_attempts=0)
        orders_repo.save(conn, order, ctx.clock())
    return order


def expire_due(ctx: Context) -> list[str]:
    """Expires open orders past their pickup deadline and releases their stock, one
    transaction per order (a failure on one never blocks the others)."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        due = orders_repo.due_for_expiry(conn, now)
    done = []
    for order_id in due:
        with ctx.db.transaction() as conn:
            order = _load(conn, order_id)
            if not pickups.expired(order, now):
                continue  # collected or cancelled meanwhile
            order, movements = pickups.release_all(order, "expired")
            _write(conn, ctx, order, movements)
        done.append(order_id)
    if done:
        ctx.hooks.outbox_written()
    return done
