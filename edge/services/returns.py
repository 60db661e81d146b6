"""Taking a return: find the original purchase (this store's sale, the hub's record of another
store's sale or an online order, or — offline — a signed QR), check quantities, approve,
refund to the original tender, move the stock by disposition, optionally settle an exchange
sale against the refund, and tell the hub (`return.completed`), all in one transaction."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from edge.domain import returns
from edge.domain.basket import price
from edge.domain.errors import Conflict, InvalidInput, NotFound
from edge.domain.money import round_half_up
from edge.domain.returns import Original, Requested
from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.services import checkout, documents, hub_lookup, signed_qr
from edge.services.auth import Actor, approval
from edge.services.baskets import load as load_basket
from edge.services.context import Context
from edge.store import (
    catalogue_repo,
    idempotency,
    orders_repo,
    outbox,
    returns_repo,
    sales_repo,
    stock_repo,
)

# --- finding the original purchase ------------------------------------------------------------


def _tenders(raw: Any) -> tuple[Tender, ...]:
    out = []
    for t in raw or ():
        if isinstance(t, dict) and isinstance(t.get("amount"), int):
            out.append(Tender(str(t.get("type")), t["amount"], t.get("reference")))  # type: ignore[arg-type]
    return tuple(out)


def _local_sale(conn: sqlite3.Connection, receipt_no: str) -> Original | None:
    sale = sales_repo.get(conn, receipt_no)
    if sale is None:
        return None
    lines = returns.sold_lines([(ln.sku, ln.qty, ln.total, 0) for ln in sale.lines])
    return Original("sale", receipt_no, sale.store_id, sale.currency, lines, sale.tenders)


def _local_order(conn: sqlite3.Connection, order_id: str) -> Original | None:
    order = orders_repo.get(conn, order_id)
    if order is None or not any(ln.collected for ln in order.lines):
        return None
    lines = returns.sold_lines(
        [(ln.sku, ln.collected, ln.collected * ln.unit_price, 0) for ln in order.lines]
    )
    if order.prepaid:
        tenders: tuple[Tender, ...] = (Tender("online", sum(s.total for s in lines), order_id),)  # type: ignore[arg-type]
    else:
        sale = sales_repo.get(conn, order.receipt_no or "")
        tenders = sale.tenders if sale else ()
    return Original("order", order_id, order.store_id, order.currency, lines, tenders)


def _int(v: Any, default: int = 0) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _hub_receipt(body: dict[str, Any], receipt_no: str) -> Original:
    lines = returns.sold_lines(
        [
            (
                str(ln.get("sku")),
                _int(ln.get("qty")),
                _int(ln.get("total"), _int(ln.get("qty")) * _int(ln.get("unit_price"))),
                _int(ln.get("returned")),
            )
            for ln in body.get("lines") or ()
            if isinstance(ln, dict)
        ]
    )
    return Original(
        "sale",
        receipt_no,
        body.get("store_id"),
        str(body.get("currency") or "PLN"),
        lines,
        _tenders(body.get("tenders")),
    )


def _hub_order(body: dict[str, Any], order_id: str) -> Original:
    rows = []
    for ln in body.get("lines") or ():
        if not isinstance(ln, dict):
            continue
        sold = _int(ln.get("collected"), _int(ln.get("qty")))
        rows.append(
            (str(ln.get("sku")), sold, sold * _int(ln.get("unit_price")), _int(ln.get("returned")))
        )
    lines = returns.sold_lines(rows)
    tenders = _tenders(body.get("tenders"))
    if not tenders and body.get("prepaid", True):
        tenders = (Tender("online", sum(s.total for s in lines), order_id),)  # type: ignore[arg-type]
    return Original(
        "order", order_id, body.get("store_id"), str(body.get("currency") or "PLN"), lines, tenders
    )


def _from_qr(payload: dict[str, Any]) -> Original:
    rows = []
    for ln in payload.get("lines") or ():
        if not isinstance(ln, dict):
            continue
        qty = _int(ln.get("qty"))
        rows.append(
            (str(ln.get("sku")), qty, _int(ln.get("total"), qty * _int(ln.get("unit_price"))), 0)
        )
    return Original(
        payload["kind"],
        str(payload.get("ref")),
        payload.get("store_id"),
        str(payload.get("currency") or "PLN"),
        returns.sold_lines(rows),
        offline=True,
    )


def _no_receipt(conn: sqlite3.Connection, ctx: Context, requested: Sequence[Requested]) -> Original:
    """Without a receipt the refund is today's shelf price (and a supervisor approves)."""
    rows = []
    for r in requested:
        product = catalogue_repo.get(conn, r.sku)
        if product is None:
            raise NotFound(f"no product with SKU {r.sku}")
        total = (
            round_half_up(Fraction(product.price * r.qty, 1000))
            if product.weighed
            else product.price * r.qty
        )
        rows.append((r.sku, r.qty, total, 0))
    return Original("none", None, None, ctx.currency, returns.sold_lines(rows))


def find_original(
    ctx: Context,
    receipt_no: str | None = None,
    order_id: str | None = None,
    qr: str | None = None,
) -> Original | None:
    """This store's records first, then the hub, then — when the hub cannot be asked — the
    signed QR. None means "no receipt"."""
    payload: dict[str, Any] | None = None
    if qr:
        with ctx.db.read() as conn:
            payload, _ = signed_qr.verify(ctx, conn, qr)
        ref = str(payload.get("ref"))
        if payload["kind"] == "sale":
            if receipt_no and receipt_no != ref:
                raise InvalidInput("the QR belongs to another receipt")
            receipt_no = ref
        else:
            if order_id and order_id != ref:
                raise InvalidInput("the QR belongs to another order")
            order_id = ref
    if receipt_no and order_id:
        raise InvalidInput("give a receipt number or an order number, not both")
    if not receipt_no and not order_id:
        return None
    with ctx.db.read() as conn:
        local = _local_sale(conn, receipt_no) if receipt_no else _local_order(conn, order_id or "")
    if local is not None:
        return _with_hub_returns(ctx, local)
    try:
        if receipt_no:
            body = hub_lookup.receipt(ctx, receipt_no)
            found = _hub_receipt(body, receipt_no) if body else None
        else:
            body = hub_lookup.order(ctx, order_id or "")
            found = _hub_order(body, order_id or "") if body else None
    except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
        if payload is None:
            raise
        found = None
    if found is not None:
        return found
    if payload is not None:
        return _from_qr(payload)
    raise NotFound(f"no purchase {receipt_no or order_id} is known here or at the hub")


def _with_hub_returns(ctx: Context, local: Original) -> Original:
    """A purchase made here may have been partly returned at another store: the hub knows.
    Best effort: without an answer, this store's own count stands (the hub flags the rest)."""
    if not ctx.settings.hub.url or local.ref is None:
        return local
    try:
        fetch = hub_lookup.receipt if local.kind == "sale" else hub_lookup.order
        body = fetch(ctx, local.ref)
    except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
        return local
    if not body:
        return local
    there: dict[str, int] = {}
    for ln in body.get("lines") or ():
        if isinstance(ln, dict) and isinstance(ln.get("sku"), str):
            there[ln["sku"]] = there.get(ln["sku"], 0) + _int(ln.get("returned"))
    lines = tuple(
        replace(ln, returned=max(ln.returned, there.get(ln.sku, 0))) for ln in local.lines
    )
    return replace(local, lines=lines)


# --- the return itself --------------------------------------------------------------------------


def _with_local_returns(conn: sqlite3.Connection, original: Original) -> Original:
    """What already came back: the hub's count or this store's, whichever is higher (this
    store's own returns may not have reached the hub yet)."""
    if original.ref is None:
        return original
    here = returns_repo.returned_qty(conn, original.kind, original.ref)
    lines = tuple(
        replace(ln, returned=max(ln.returned, here.get(ln.sku, 0))) for ln in original.lines
    )
    return replace(original, lines=lines)


def lookup_purchase(
    ctx: Context,
    receipt_no: str | None = None,
    order_id: str | None = None,
    qr: str | None = None,
) -> Original:
    """The purchase a shopper brings back, with what is still returnable per SKU (for the
    POS to show before the return is taken)."""
    original = find_original(ctx, receipt_no, order_id, qr)
    if original is None:
        raise InvalidInput("give a receipt number, an order number or a QR code")
    with ctx.db.read() as conn:
        return _with_local_returns(conn, original)


def _limits(ctx: Context) -> returns.Limits:
    cfg = ctx.settings.returns
    return returns.Limits(cfg.approval_above, cfg.offline_online_limit)


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
    if idempotency_key:
        with ctx.db.read() as conn:
            first = idempotency.lookup(conn, idempotency_key, "return", req_hash)
        if first is not None:
            return {**get_return(ctx, first["return_id"]), "replayed": True}
    original = find_original(ctx, receipt_no, order_id, qr)  # may ask the hub: no lock held
    reasons = ctx.settings.returns.reason_codes
    with ctx.db.read() as conn:
        if original is None:
            original = _no_receipt(conn, ctx, lines)
        if original.currency != ctx.currency:
            raise InvalidInput(f"the purchase was in {original.currency}, not {ctx.currency}")
        planned = returns.plan(_with_local_returns(conn, original), lines, reasons)
    refund = sum(ln.refund for ln in planned)
    why = returns.approval_reasons(original, refund, _limits(ctx))
    approved_by = (
        approval(ctx, actor, Role.SUPERVISOR, approver, " and ".join(why)) if why else None
    )
    return_id = str(uuid.uuid4())
    with ctx.db.transaction() as conn:
        # Re-checked under the write lock: a return at another register may have just landed.
        planned = returns.plan(_with_local_returns(conn, original), lines, reasons)
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
            tenders.insert(0, Tender("exchange", credit, exchange_receipt))  # type: ignore[arg-type]
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
    paid = [Tender("exchange", credit, return_id), *tenders]  # type: ignore[arg-type]
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
