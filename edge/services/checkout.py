"""Checkout: the sale, its lines and tenders, the stock movements, the outbox event and the
idempotency record are written in ONE transaction. A 2xx means all of it is on disk."""

from __future__ import annotations

from dataclasses import dataclass

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
    with ctx.db.transaction() as conn:
        if idempotency_key:
            first = idempotency.lookup(conn, idempotency_key, "checkout", req_hash)
            if first is not None:
                sale = sales_repo.get(conn, first["receipt_no"])
                assert sale is not None  # written in the same transaction as the key
                return CheckoutResult(sale, replayed=True)
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
        if idempotency_key:
            idempotency.remember(
                conn, idempotency_key, "checkout", req_hash, {"receipt_no": receipt_no}, now
            )
    ctx.hooks.outbox_written()
    return CheckoutResult(sale, replayed=False)
