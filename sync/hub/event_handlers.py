"""What each event type a store sends does at the hub, in the applying transaction
(sync/hub/apply.py): `HANDLERS` by type, and `FEED`, the types the ERP's feed carries. Stock
documents and loyalty have modules of their own (stock_docs.py, loyalty_apply.py)."""

from __future__ import annotations

import json
import logging
from typing import Any

from sync.hub import loyalty_apply, returns_count, stock_docs
from sync.hub.applied import Applied, Handler, Writes
from sync.hub.store import orders as orders_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store.port import Tx, utc_iso
from sync.protocol import EventRecord

log = logging.getLogger(__name__)


def _sale(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    d = ev.data
    at = utc_iso(d.get("at", ev.at))
    sale: dict[str, Any] = {
        "receipt_no": str(d["receipt_no"]),
        "store_id": store_id,
        "at": at,
        "currency": str(d["currency"]),
        "total": int(d["total"]),
        "tenders": json.dumps(d.get("tenders", [])),
        "lines": [
            (str(d["receipt_no"]), int(ln.get("line_no", i + 1)), at, str(ln["sku"]),
             int(ln["qty"]), int(ln["unit_price"]), int(ln["total"]), str(ln.get("vat", "")))
            for i, ln in enumerate(d["lines"])
        ],
    }  # fmt: skip
    if w.deferred:
        w.sales.append(sale)
    else:
        sales_repo.add_sale(tx, **sale)


def _order_status(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    d = ev.data
    orders_repo.set_status(
        tx,
        str(d["order_id"]),
        status=str(d["status"]),
        at=utc_iso(ev.at),
        store_id=store_id,
        shelf=d.get("shelf"),
        receipt_no=d.get("receipt_no"),
    )
    for ln in d.get("lines") or []:
        orders_repo.set_line_progress(
            tx,
            str(d["order_id"]),
            str(ln["sku"]),
            reserved=int(ln.get("reserved", 0)),
            collected=int(ln.get("collected", 0)),
            short=int(ln.get("short", 0)),
        )
    if d["status"] in ("collected", "partially_collected"):
        loyalty_apply.order_collected(tx, store_id, str(d["order_id"]), utc_iso(ev.at))


def _order_requested(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    d = ev.data
    if not d.get("request_id") or not d.get("lines"):
        raise ValueError("order.requested needs request_id and lines")
    # Only what the shopper asked for: the store is the topic's (the service's `store_id`),
    # the price, the pickup code and "prepaid" are the hub's to decide.
    done.requested_orders.append(
        {
            "request_id": d["request_id"],
            "lines": d["lines"],
            "customer": d.get("customer"),
            "store_id": store_id,
        }
    )


def _return(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    d = ev.data
    original = d.get("original") or {}
    kind, ref = original.get("kind", "none"), original.get("ref")
    if kind == "sale" and ref:
        w.flush_sales(tx)  # a return may come in the same group as its sale
    if kind == "sale" and ref and not sales_repo.exists(tx, ref):
        # Another store's sale still on its way: counted (and checked) when it comes.
        log.info("return %s at %s waits for sale %s", d["return_id"], store_id, ref)
        reasons: list[str] = []
        before: dict[str, tuple[int, int]] = {}
    else:
        reasons, before = returns_count.count(tx, kind, ref, d["lines"])
    sales_repo.add_return(
        tx,
        return_id=str(d["return_id"]),
        store_id=store_id,
        at=utc_iso(d.get("at", ev.at)),
        kind=kind,
        ref=ref,
        offline=bool(d.get("offline")),
        reasons=reasons,
        body=json.dumps(d),
    )
    loyalty_apply.returned(tx, store_id, d, ev.at, before)
    if reasons:
        log.warning("over-return %s at %s: %s", d["return_id"], store_id, "; ".join(reasons))


def _loyalty_earned(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    w.flush_sales(tx)  # the sale it earns for came before it, maybe in this group
    loyalty_apply.earned(tx, store_id, ev.data, ev.at)
    returns_count.reverse_points_of_early_returns(tx, str(ev.data["receipt_no"]))


def _fiscalised(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: Writes) -> None:
    d = ev.data
    w.flush_sales(tx)  # the sale may be in the same group
    sales_repo.set_fiscal(
        tx, store_id, str(d["receipt_no"]), int(d["number"]), utc_iso(d.get("at", ev.at))
    )


# What the ERP's feed carries: the stores' documents (not the hub's own bookkeeping).
FEED = frozenset(
    {"sale.completed", "sale.fiscalised", "return.completed", "order.status",
     "write_off.completed", "count.completed", "delivery.received", "transfer.sent",
     "transfer.received"}
)  # fmt: skip

HANDLERS: dict[str, Handler] = {
    "sale.completed": _sale,
    "sale.fiscalised": _fiscalised,
    "write_off.completed": stock_docs.write_off,
    "count.completed": stock_docs.count,
    "delivery.received": stock_docs.delivery,
    "transfer.sent": stock_docs.transfer_sent,
    "transfer.received": stock_docs.transfer_received,
    "stock.adjusted": lambda tx, store_id, ev, done, w: None,  # the levels are all it carries
    "order.status": _order_status,
    "order.requested": _order_requested,
    "return.completed": _return,
    "loyalty.earned": _loyalty_earned,
    "loyalty.redeemed": lambda tx, store_id, ev, done, w: loyalty_apply.redeemed(
        tx, store_id, ev.data, ev.at
    ),
    "loyalty.released": lambda tx, store_id, ev, done, w: loyalty_apply.released(
        tx, store_id, ev.data, ev.at
    ),
}
