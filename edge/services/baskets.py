"""Building a basket at a register: scan, change quantities, remove, discount."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from edge.domain.basket import Basket, BasketLine, PricedBasket, price
from edge.domain.errors import NotFound
from edge.domain.staff import Role
from edge.services.auth import Actor, approval
from edge.services.catalogue import find
from edge.services.context import Context
from edge.store import baskets_repo, catalogue_repo


@dataclass(frozen=True, slots=True)
class BasketView:
    basket: Basket
    priced: PricedBasket


def _priced(ctx: Context, conn: sqlite3.Connection, basket: Basket) -> BasketView:
    promos = catalogue_repo.promotions_for(conn, (ln.sku for ln in basket.lines))
    return BasketView(basket, price(basket, promos, ctx.clock()))


def load(conn: sqlite3.Connection, basket_id: str) -> Basket:
    basket = baskets_repo.get(conn, basket_id)
    if basket is None:
        raise NotFound(f"no basket {basket_id}")
    return basket


def create_basket(ctx: Context, actor: Actor) -> BasketView:
    basket = Basket(
        id=uuid.uuid4().hex,
        register=actor.register,
        currency=ctx.currency,
        created_by=actor.username,
        created_at=ctx.clock(),
    )
    with ctx.db.transaction() as conn:
        baskets_repo.create(conn, basket, ctx.clock())
    return BasketView(basket, price(basket, {}, ctx.clock()))


def get_basket(ctx: Context, basket_id: str) -> BasketView:
    with ctx.db.read() as conn:
        return _priced(ctx, conn, load(conn, basket_id))


def _change(
    ctx: Context, basket_id: str, change: Callable[[sqlite3.Connection, Basket], object]
) -> BasketView:
    """Loads, changes and saves a basket in one transaction, and returns it priced."""
    with ctx.db.transaction() as conn:
        basket = load(conn, basket_id)
        before = baskets_repo.line_rows(basket)
        change(conn, basket)
        baskets_repo.save(conn, basket, ctx.clock(), before)
        return _priced(ctx, conn, basket)


def add_line(
    ctx: Context, basket_id: str, code: str | None = None, sku: str | None = None, qty: int = 1
) -> tuple[BasketView, BasketLine]:
    """Adds what was scanned (a barcode or GS1 string) or typed (a SKU)."""
    added: list[BasketLine] = []

    def scan(conn: sqlite3.Connection, basket: Basket) -> None:
        if sku is not None:
            product = catalogue_repo.get(conn, sku)
            if product is None:
                raise NotFound(f"no product with SKU {sku}")
            added.append(basket.add(product, qty))
        else:
            product, decoded = find(ctx, conn, code or "")
            added.append(basket.add(product, qty, decoded))

    return _change(ctx, basket_id, scan), added[0]


def set_quantity(ctx: Context, basket_id: str, line_id: int, qty: int) -> BasketView:
    return _change(ctx, basket_id, lambda _c, b: b.set_qty(line_id, qty))


def remove_line(ctx: Context, basket_id: str, line_id: int) -> BasketView:
    return _change(ctx, basket_id, lambda _c, b: b.remove(line_id))


def _discount_needs(ctx: Context, percent: int, amount: int, base: int) -> Role:
    """Cashiers may give small discounts; above the configured share a supervisor approves."""
    limit = ctx.settings.selling.cashier_max_discount_percent
    share = percent if percent else (100 * amount / base if base else 100)
    return Role.CASHIER if share <= limit else Role.SUPERVISOR


def discount_line(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    line_id: int,
    percent: int = 0,
    amount: int = 0,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    view = get_basket(ctx, basket_id)
    base = next((p.gross for p in view.priced.lines if p.line.line_id == line_id), 0)
    needed = _discount_needs(ctx, percent, amount, base)
    by = approval(ctx, actor, needed, approver, "this discount")
    return _change(
        ctx, basket_id, lambda _c, b: b.discount_line(line_id, percent, amount, approved_by=by)
    )


def override_price(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    line_id: int,
    unit_price: int,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    by = approval(ctx, actor, Role.SUPERVISOR, approver, "a manual price")
    return _change(ctx, basket_id, lambda _c, b: b.override_price(line_id, unit_price, by))


def discount_basket(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    percent: int = 0,
    amount: int = 0,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    view = get_basket(ctx, basket_id)
    needed = _discount_needs(ctx, percent, amount, view.priced.total)
    approval(ctx, actor, needed, approver, "this discount")
    return _change(ctx, basket_id, lambda _c, b: b.discount_basket(percent, amount))


def cancel_basket(ctx: Context, basket_id: str) -> BasketView:
    return _change(ctx, basket_id, lambda _c, b: b.cancel())
