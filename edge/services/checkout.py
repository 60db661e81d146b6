"""Checkout: the sale, its lines and tenders, the stock movements, the outbox event and the
idempotency record are written in ONE transaction. A 2xx means all of it is on disk."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from edge.domain import events
from edge.domain.basket import price
from edge.domain.sale import Sale, complete
from edge.domain.tenders import Tender, settle
from edge.services.auth import Actor
from edge.services.baskets import ensure_approved, load
from edge.services.context import Context
from edge.store import (
    baskets_repo,
    catalogue_repo,
    idempotency,
    outbox,
    sales_repo,
    stock_repo,
)


@dataclass(frozen=True, slots=True)
class CheckoutResult:
    sale: Sale
    replayed: bool  # True when this was a retry answered from the first result
    # What the parts added after the commit (e.g. "fiscal": the device's registration).
    extra: dict[str, Any] = field(default_factory=dict)


def checkout(
    ctx: Context,
    actor: Actor,
    basket_id: str,
    tenders: list[Tender],
    idempotency_key: str | None = None,
) -> CheckoutResult:
    req_hash = idempotency.request_hash(
        {"basket": basket_id, "tenders": [(t.type, t.amount, t.reference) for t in tenders]}
    )
    if idempotency_key:
        with ctx.db.read() as conn:
            first = _first_result(conn, idempotency_key, req_hash)
        if first is not None:
            return CheckoutResult(first, True, ctx.hooks.sale_committed(first, True))
    # Outside the transaction: a part may ask a device (the fiscal printer) whether the sale can
    # be made, and no write should wait on a device.
    for check in ctx.hooks.before_checkout:
        check()
    with ctx.db.transaction() as conn:
        first = _first_result(conn, idempotency_key, req_hash) if idempotency_key else None
        if first is None:
            sale = _complete(conn, ctx, actor, basket_id, tenders)
            if idempotency_key:
                idempotency.remember(conn, idempotency_key, "checkout", req_hash,
                                     {"receipt_no": sale.receipt_no}, sale.at)  # fmt: skip
    if first is not None:  # a concurrent retry finished first
        return CheckoutResult(first, True, ctx.hooks.sale_committed(first, True))
    ctx.hooks.outbox_written()
    return CheckoutResult(sale, replayed=False, extra=ctx.hooks.sale_committed(sale, False))


def _first_result(conn: sqlite3.Connection, key: str, req_hash: str) -> Sale | None:
    first = idempotency.lookup(conn, key, "checkout", req_hash)
    if first is None:
        return None
    sale = sales_repo.get(conn, first["receipt_no"])
    assert sale is not None  # written in the same transaction as the key
    return sale


def _complete(
    conn: sqlite3.Connection, ctx: Context, actor: Actor, basket_id: str, tenders: list[Tender]
) -> Sale:
    basket = load(conn, basket_id)
    basket.check_out()
    now = ctx.clock()
    promos = catalogue_repo.promotions_for(conn, (ln.sku for ln in basket.lines))
    priced = price(basket, promos, now)
    ensure_approved(ctx, basket, priced)  # on the basket as it is paid, not as it was
    settlement = settle(priced.total, tenders)
    receipt_no = sales_repo.next_receipt_no(conn, ctx.store_id, basket.register)
    sale = complete(
        priced,
        settlement,
        receipt_no=receipt_no,
        store_id=ctx.store_id,
        register=basket.register,
        cashier=actor.username,
        at=now,
        basket_id=basket.id,
    )
    sales_repo.insert(conn, sale)
    levels = stock_repo.record(conn, sale.movements(), ref=receipt_no, at=now)
    outbox.append(conn, events.sale_completed(sale, levels), now)
    baskets_repo.mark_checked_out(conn, basket.id, receipt_no, now)
    for hook in ctx.hooks.on_sale:
        hook(conn, sale)
    return sale
