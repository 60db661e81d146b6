"""Taking a return: find the original purchase (edge/services/purchases.py), check quantities,
approve (by what is refunded against the whole purchase, and past the return window), refund to
the original tender, move the stock by disposition, optionally settle an exchange sale against
the refund, and tell the hub (`return.completed`), all in one transaction. A retry with the same
Idempotency-Key is answered from the first return, looked up inside that transaction."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from typing import Any

from edge.domain import returns
from edge.domain.basket import price
from edge.domain.errors import ApprovalRequired, Conflict, DomainError, InvalidInput, NotFound
from edge.domain.returns import Original, Requested
from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.services import checkout, documents
from edge.services.auth import Actor, approval
from edge.services.baskets import load as load_basket
from edge.services.context import Context
from edge.services.purchases import find_original, no_receipt, with_local_returns
from edge.services.purchases import lookup_purchase as lookup_purchase  # the POS asks here
from edge.store import catalogue_repo, idempotency, outbox, returns_repo, stock_repo


def _limits(ctx: Context) -> returns.Limits:
    cfg = ctx.settings.returns
    return returns.Limits(cfg.approval_above, cfg.offline_online_limit, cfg.window_days)


def _planned(
    conn: sqlite3.Connection, ctx: Context, original: Original, lines: Sequence[Requested]
) -> tuple[list[returns.ReturnLine], list[str]]:
    """The return's lines against what is still returnable, and why it needs a supervisor."""
    known = with_local_returns(conn, original)
    planned = returns.plan(known, lines, ctx.settings.returns.reason_codes)
    refund = sum(ln.refund for ln in planned)
    return planned, returns.approval_reasons(known, refund, _limits(ctx), ctx.clock())


def create_return(
    ctx: Context,
    actor: Actor,
    lines: Sequence[Requested],
    *,
    receipt_no: str | None = None,
    order_id: str | None = None,
    qr: str | None = None,
    approver: tuple[str, str] | None = None,
    card_reference: str | None = None,
    exchange_basket_id: str | None = None,
    exchange_tenders: Sequence[Tender] = (),
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Takes a return (optionally an exchange). Returns the stored return (see `get_return`).
    Over-returns raise OverReturn (409) and change nothing."""
    req_hash = idempotency.request_hash(
        {
            "lines": [(r.sku, r.qty, r.reason, r.disposition) for r in lines],
            "ref": [receipt_no, order_id, qr],
            "exchange": [exchange_basket_id, [(t.type, t.amount) for t in exchange_tenders]],
        }
    )
    first = _replay(ctx, idempotency_key, req_hash)  # the common retry, answered at once
    if first is not None:
        return first
    try:
        original = find_original(ctx, receipt_no, order_id, qr)  # may ask the hub: no lock
        with ctx.db.read() as conn:
            if original is None:
                original = no_receipt(conn, ctx, lines)
            if original.currency != ctx.currency:
                raise InvalidInput(f"the purchase was in {original.currency}, not {ctx.currency}")
            _, why = _planned(conn, ctx, original, lines)
    except DomainError:
        # A retry racing the first attempt may find the goods already returned — by itself.
        first = _replay(ctx, idempotency_key, req_hash)
        if first is not None:
            return first
        raise
    approved_by = (
        approval(ctx, actor, Role.SUPERVISOR, approver, " and ".join(why)) if why else None
    )
    return_id = str(uuid.uuid4())
    with ctx.db.transaction() as conn:
        if idempotency_key:  # a retry racing the first attempt: the first one won
            first = idempotency.lookup(conn, idempotency_key, "return", req_hash)
            if first is not None:
                return {**_view(conn, first["return_id"]), "replayed": True}
        # Re-checked under the write lock: a return at another register may have just landed.
        planned, why = _planned(conn, ctx, original, lines)
        if why and approved_by is None:
            raise ApprovalRequired(f"{' and '.join(why)} needs a supervisor's approval")
        refund = sum(ln.refund for ln in planned)
        now = ctx.clock()
        exchange_receipt, credit = None, 0
        if exchange_basket_id:
            exchange_receipt, credit = _exchange(
                conn, ctx, actor, exchange_basket_id, return_id, refund, exchange_tenders
            )
        card_before = (
            returns_repo.card_refunded(conn, original.kind, original.ref) if original.ref else 0
        )
        tenders = returns.refund_tenders(refund - credit, original, card_before, card_reference)
        if credit:
            tenders.insert(0, Tender("exchange", credit, exchange_receipt))
        returns_repo.insert(
            conn,
            return_id,
            original,
            planned,
            tenders,
            register=actor.register,
            cashier=actor.username,
            approved_by=approved_by,
            exchange_receipt_no=exchange_receipt,
            at=now,
        )
        movements = returns.movements(planned)
        if movements:
            stock_repo.record(conn, movements, ref=f"return:{return_id}", at=now)
        levels = list(stock_repo.levels(conn, (ln.sku for ln in planned)).values())
        event = returns.completed_event(
            return_id, ctx.store_id, now, original, planned, tenders, levels, exchange_receipt
        )
        outbox.append(conn, event, now)
        documents.enqueue(
            conn,
            ctx,
            "return",
            {**event.data, "cashier": actor.username, "register": actor.register},
        )
        if idempotency_key:
            idempotency.remember(
                conn, idempotency_key, "return", req_hash, {"return_id": return_id}, now
            )
        result = _view(conn, return_id)
    ctx.hooks.outbox_written()
    return result


def _replay(ctx: Context, key: str | None, req_hash: str) -> dict[str, Any] | None:
    if not key:
        return None
    with ctx.db.read() as conn:
        first = idempotency.lookup(conn, key, "return", req_hash)
        return None if first is None else {**_view(conn, first["return_id"]), "replayed": True}


def _exchange(
    conn: sqlite3.Connection,
    ctx: Context,
    actor: Actor,
    basket_id: str,
    return_id: str,
    refund: int,
    tenders: Sequence[Tender],
) -> tuple[str, int]:
    """The new sale of an exchange, paid first by the refund (an `exchange` tender) and the
    rest by the shopper. Returns its receipt number and the refund it used."""
    basket = load_basket(conn, basket_id)
    promos = catalogue_repo.promotions_for(conn, (ln.sku for ln in basket.lines))
    total = price(basket, promos, ctx.clock()).total
    credit = min(refund, total)
    if credit <= 0:
        raise Conflict("nothing to exchange: the refund or the new basket is empty")
    paid = [Tender("exchange", credit, return_id), *tenders]
    sale = checkout.checkout(ctx, actor, basket_id, paid).sale
    return sale.receipt_no, credit


def _view(conn: sqlite3.Connection, return_id: str) -> dict[str, Any]:
    found = returns_repo.get(conn, return_id)
    if found is None:
        raise NotFound(f"no return {return_id}")
    return found


def get_return(ctx: Context, return_id: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return _view(conn, return_id)
