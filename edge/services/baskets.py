"""Building a basket at a register: scan, change quantities, remove, discount.

Every change is checked against the approval rules on the basket as it will be paid
(edge/domain/approvals.py): a change that leaves money off the basket that no approval covers is
refused (ApprovalRequired), unless a supervisor approves it with the change: the actor when
senior enough, or the supervisor whose credentials came with the request."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from edge.domain import approvals
from edge.domain.basket import Basket, BasketLine, PricedBasket, price
from edge.domain.errors import ApprovalRequired, NotFound
from edge.domain.staff import Role
from edge.services.auth import Actor, approval
from edge.services.catalogue import find
from edge.services.context import Context
from edge.store import baskets_repo, catalogue_repo, customers_repo

Change = Callable[[sqlite3.Connection, Basket], object]


@dataclass(frozen=True, slots=True)
class BasketView:
    basket: Basket
    priced: PricedBasket


def priced(ctx: Context, conn: sqlite3.Connection, basket: Basket) -> PricedBasket:
    promos = catalogue_repo.promotions_for(conn, (ln.sku for ln in basket.lines))
    return price(basket, promos, ctx.clock(), is_member(conn, basket.id))


def is_member(conn: sqlite3.Connection, basket_id: str) -> bool:
    """The basket carries a loyalty customer: member prices apply (edge/domain/pricing.py)."""
    return customers_repo.of_basket(conn, basket_id) is not None


def load(conn: sqlite3.Connection, basket_id: str) -> Basket:
    basket = baskets_repo.get(conn, basket_id)
    if basket is None:
        raise NotFound(f"no basket {basket_id}")
    return basket


def ensure_approved(ctx: Context, basket: Basket, priced: PricedBasket) -> None:
    """Raises ApprovalRequired when money is off the basket that no approval covers."""
    missing = approvals.uncovered(basket, priced, ctx.settings.selling.cashier_max_discount_percent)
    if missing:
        raise ApprovalRequired(
            f"{missing[0].describe()}: more than approved; a supervisor must approve it",
            line_id=missing[0].target or None,
        )


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
        basket = load(conn, basket_id)
        return BasketView(basket, priced(ctx, conn, basket))


def open_basket(ctx: Context, register: str, basket_id: str | None = None) -> BasketView | None:
    """The basket a till left open (the one it remembers, else the register's latest with
    lines): after a restart of the node or the browser, the cashier takes it up again."""
    with ctx.db.read() as conn:
        found = baskets_repo.get(conn, basket_id) if basket_id else None
        if found is None or found.status != "open" or found.register != register:
            latest = baskets_repo.latest_open(conn, register)
            found = baskets_repo.get(conn, latest) if latest else None
        if found is None:
            return None
        return BasketView(found, priced(ctx, conn, found))


def _change(
    ctx: Context, basket_id: str, change: Change, by: str | None = None, stamp: int | None = None
) -> BasketView:
    """Loads, changes and saves a basket in one transaction, and returns it priced. What the
    change leaves uncovered is approved by `by`, or the change is refused; `stamp` (a line id)
    records `by`'s approval of that line's reduction even when it needs none (a manual price)."""
    with ctx.db.transaction() as conn:
        basket = load(conn, basket_id)
        before = baskets_repo.line_rows(basket)
        change(conn, basket)
        view = BasketView(basket, priced(ctx, conn, basket))
        if basket.status == "open":
            if by is not None:
                limit = ctx.settings.selling.cashier_max_discount_percent
                granted = [
                    r for r in approvals.reductions(basket, view.priced)
                    if r.target == stamp or not r.covered(limit)
                ]  # fmt: skip
                for r in granted:
                    basket.approve(r.target, approvals.grant(r, by))
                if granted:
                    view = BasketView(basket, priced(ctx, conn, basket))
            ensure_approved(ctx, basket, view.priced)
        baskets_repo.save(conn, basket, ctx.clock(), before)
        return view


def add_line(
    ctx: Context,
    basket_id: str,
    code: str | None = None,
    sku: str | None = None,
    qty: int = 1,
    *,
    actor: Actor | None = None,
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

    by = actor.username if actor and actor.role.at_least(Role.SUPERVISOR) else None
    view = _change(ctx, basket_id, scan, by)
    return view, added[-1]


def _approved(
    ctx: Context,
    basket_id: str,
    change: Change,
    actor: Actor | None,
    approver: tuple[str, str] | None,
    what: str,
    *,
    always: bool = False,
    stamp: int | None = None,
) -> BasketView:
    """A change that may need a supervisor's approval (`always` for a manual price): the actor
    when senior enough, else the approver's credentials, checked (slowly) outside the write
    lock and only when the change needs them; then the change itself (`_change`)."""
    by: str | None = None
    if actor is not None and actor.role.at_least(Role.SUPERVISOR):
        by = actor.username
    elif actor is not None and (approver is not None or always):
        needed = always
        if not always:
            with ctx.db.read() as conn:  # a dry run: would the change need approval?
                basket = load(conn, basket_id)
                change(conn, basket)
                limit = ctx.settings.selling.cashier_max_discount_percent
                needed = bool(approvals.uncovered(basket, priced(ctx, conn, basket), limit))
        if needed:
            by = approval(ctx, actor, Role.SUPERVISOR, approver, what)
    return _change(ctx, basket_id, change, by, stamp)


def set_quantity(
    ctx: Context,
    basket_id: str,
    line_id: int,
    qty: int,
    *,
    actor: Actor | None = None,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    change: Change = lambda _c, b: b.set_qty(line_id, qty)  # noqa: E731
    return _approved(ctx, basket_id, change, actor, approver, "this quantity")


def remove_line(
    ctx: Context,
    basket_id: str,
    line_id: int,
    *,
    actor: Actor | None = None,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    change: Change = lambda _c, b: b.remove(line_id)  # noqa: E731
    return _approved(ctx, basket_id, change, actor, approver, "removing this line")


def discount_line(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    line_id: int,
    percent: int = 0,
    amount: int = 0,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    """Cashiers may give small discounts; above the configured share a supervisor approves."""
    change: Change = lambda _c, b: b.discount_line(line_id, percent, amount)  # noqa: E731
    return _approved(ctx, basket_id, change, actor, approver, "this discount")


def override_price(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    line_id: int,
    unit_price: int,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    """A manual price always needs a supervisor; the approval names the price it allowed."""
    change: Change = lambda _c, b: b.override_price(line_id, unit_price)  # noqa: E731
    what = "a manual price"
    return _approved(ctx, basket_id, change, actor, approver, what, always=True, stamp=line_id)


def discount_basket(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    percent: int = 0,
    amount: int = 0,
    approver: tuple[str, str] | None = None,
) -> BasketView:
    change: Change = lambda _c, b: b.discount_basket(percent, amount)  # noqa: E731
    return _approved(ctx, basket_id, change, actor, approver, "this discount")


def cancel_basket(ctx: Context, basket_id: str) -> BasketView:
    def cancel(conn: sqlite3.Connection, basket: Basket) -> None:
        basket.cancel()
        for hook in ctx.hooks.on_cancel:
            hook(conn, basket.id)

    view = _change(ctx, basket_id, cancel)
    ctx.hooks.outbox_written()  # a hook may have written an event
    return view


def discount_by_rule(
    ctx: Context, basket_id: str, amount: int, by: str, also: Change | None = None
) -> BasketView:
    """A basket discount a rule grants (a loyalty reward), approved by `by` (`loyalty:<id>`),
    with `also` (its record) in the same transaction."""

    def change(conn: sqlite3.Connection, basket: Basket) -> None:
        if also is not None:
            also(conn, basket)
        basket.discount_basket(0, amount)

    return _change(ctx, basket_id, change, by=by, stamp=approvals.BASKET)
