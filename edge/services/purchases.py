"""Finding the purchase a shopper brings back: this store's sale or collected order, the hub's
record of another store's sale or an online order, or — when the hub cannot be asked — a signed
QR. What each line cost comes from the purchase itself (its line totals) or from the one pricing
rule (edge/domain/pricing.py), never from a quantity times a unit price."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from edge.domain import pricing, returns
from edge.domain.catalogue import Unit
from edge.domain.errors import InvalidInput, NotFound
from edge.domain.pickups import OrderLine
from edge.domain.returns import Original, Requested
from edge.domain.tenders import Tender, TenderType
from edge.services import hub_lookup, signed_qr
from edge.services.context import Context
from edge.store import catalogue_repo, orders_repo, returns_repo, sales_repo


def _int(v: Any, default: int = 0) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _when(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return when if when is None or when.tzinfo else None


def _tenders(raw: Any) -> tuple[Tender, ...]:
    out = []
    for t in raw or ():
        if isinstance(t, dict) and isinstance(t.get("amount"), int):
            # As the hub recorded it: a kind this node does not know is still the purchase's.
            kind = cast(TenderType, str(t.get("type")))
            out.append(Tender(kind, t["amount"], t.get("reference")))
    return tuple(out)


def _online(amount: int, ref: str) -> tuple[Tender, ...]:
    return (Tender("online", amount, ref),)


def _order_line(raw: dict[str, Any]) -> OrderLine:
    """An order line as the hub or a QR describes it, priced on its own terms."""
    sku = str(raw.get("sku"))
    unit: Unit = "kg" if raw.get("unit") == "kg" else "pcs"
    try:
        promotion = pricing.from_terms(sku, raw.get("promotion"))
    except ValueError:
        promotion = None
    return OrderLine(sku, _int(raw.get("qty")), _int(raw.get("unit_price")), unit=unit,
                     promotion=promotion)  # fmt: skip


def _local_sale(conn: sqlite3.Connection, receipt_no: str) -> Original | None:
    sale = sales_repo.get(conn, receipt_no)
    if sale is None:
        return None
    lines = returns.sold_lines([(ln.sku, ln.qty, ln.total, 0) for ln in sale.lines])
    return Original(
        "sale", receipt_no, sale.store_id, sale.currency, lines, sale.tenders, at=sale.at
    )


def _local_order(conn: sqlite3.Connection, order_id: str) -> Original | None:
    order = orders_repo.get(conn, order_id)
    if order is None or not any(ln.collected for ln in order.lines):
        return None
    if order.receipt_no:  # paid at pickup: the sale is the purchase (returned against once)
        return _local_sale(conn, order.receipt_no)
    lines = returns.sold_lines(
        [(ln.sku, ln.collected, ln.amount(ln.collected), 0) for ln in order.lines]
    )
    tenders = _online(sum(s.total for s in lines), order_id) if order.prepaid else ()
    at = _when(order.extra.get("collected_at")) or order.created_at
    return Original("order", order_id, order.store_id, order.currency, lines, tenders, at=at)


def _hub_receipt(body: dict[str, Any], receipt_no: str) -> Original:
    rows = []
    for ln in body.get("lines") or ():
        if isinstance(ln, dict):
            qty = _int(ln.get("qty"))
            total = _int(ln.get("total"), qty * _int(ln.get("unit_price")))
            rows.append((str(ln.get("sku")), qty, total, _int(ln.get("returned"))))
    return Original(
        "sale",
        receipt_no,
        body.get("store_id"),
        str(body.get("currency") or "PLN"),
        returns.sold_lines(rows),
        _tenders(body.get("tenders")),
        at=_when(body.get("at")),
    )


def _hub_order(body: dict[str, Any], order_id: str) -> Original:
    rows = []
    for ln in body.get("lines") or ():
        if isinstance(ln, dict):
            line = _order_line(ln)
            sold = _int(ln.get("collected"), line.qty)
            rows.append((line.sku, sold, line.amount(sold), _int(ln.get("returned"))))
    lines = returns.sold_lines(rows)
    tenders = _tenders(body.get("tenders"))
    if not tenders and body.get("prepaid", True):
        tenders = _online(sum(s.total for s in lines), order_id)
    at = _when(body.get("updated_at")) or _when(body.get("created_at"))
    return Original(
        "order", order_id, body.get("store_id"), str(body.get("currency") or "PLN"), lines,
        tenders, at=at,
    )  # fmt: skip


def _from_qr(payload: dict[str, Any]) -> Original:
    returns.check_proof(payload)
    rows = []
    for ln in payload.get("lines") or ():
        if isinstance(ln, dict):
            line = _order_line(ln)
            rows.append((line.sku, line.qty, _int(ln.get("total"), line.amount(line.qty)), 0))
    lines = returns.sold_lines(rows)
    ref = str(payload.get("ref"))
    paid_online = payload.get("kind") == "order" and (
        payload.get("prepaid") is True or payload.get("state") == "paid"
    )
    return Original(
        payload["kind"],
        ref,
        payload.get("store_id"),
        str(payload.get("currency") or "PLN"),
        lines,
        _online(sum(s.total for s in lines), ref) if paid_online else (),
        offline=True,
        at=_when(payload.get("at")),
    )


def no_receipt(conn: sqlite3.Connection, ctx: Context, requested: Sequence[Requested]) -> Original:
    """Without a receipt the refund is today's shelf price (and a supervisor approves)."""
    rows = []
    for r in requested:
        product = catalogue_repo.get(conn, r.sku)
        if product is None:
            raise NotFound(f"no product with SKU {r.sku}")
        rows.append((r.sku, r.qty, pricing.amount(product.unit, product.price, r.qty), 0))
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
        found = _at_the_hub(ctx, receipt_no, order_id)
    except (hub_lookup.HubUnavailable, hub_lookup.NoHub):
        if payload is None:
            raise
        found = None
    if found is not None:
        return found
    if payload is not None:
        return _from_qr(payload)
    raise NotFound(f"no purchase {receipt_no or order_id} is known here or at the hub")


def _at_the_hub(ctx: Context, receipt_no: str | None, order_id: str | None) -> Original | None:
    if order_id:
        body = hub_lookup.order(ctx, order_id)
        if not body or not body.get("receipt_no"):
            return _hub_order(body, order_id) if body else None
        receipt_no = str(body["receipt_no"])  # paid at pickup: the sale is the purchase
    body = hub_lookup.receipt(ctx, receipt_no or "")
    return _hub_receipt(body, receipt_no or "") if body else None


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


def with_local_returns(conn: sqlite3.Connection, original: Original) -> Original:
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
        return with_local_returns(conn, original)
