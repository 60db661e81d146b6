"""Applying stores' events at the hub, exactly once and in (store, seq) order.

`apply_batches` applies a group of batches (one or more stores: whatever the worker found
waiting) in the caller's transaction:
1. take the stores' rows (`FOR UPDATE` on PostgreSQL, in store order: every worker of a shared
   group serialises on them and none waits on another in a circle) and, for stores with a gap,
   the events held past it;
2. decide in memory, per store: events at or below the applied seq are duplicates (skipped and
   counted), the next one is applied, later ones are held (`hub_pending`) until the gap is
   filled;
3. write everything in one go (PostgreSQL's pipeline mode: a handful of round trips per group,
   whatever its size).
Each event type has a small handler; every stock-changing event carries the store's levels
after the change (`data.stock`), which the hub simply sets (and marks for the neighbours' next
nearby push).

Fast path and careful path: the group is applied whole. If one event's data is unusable (a
handler refuses it, or the database does), the transaction is rolled back and the group applied
again with a savepoint per event, so that event is recorded with its error and the stream goes
on (blocking every later event of the store would be worse)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sync.hub import loyalty_apply, stock_docs
from sync.hub.store import events as events_repo
from sync.hub.store import feed as feed_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store import stock as stock_repo
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import Storage, Tx, utc_iso
from sync.protocol import EventBatch, EventRecord

log = logging.getLogger(__name__)


@dataclass
class Applied:
    """What one batch did, for the ack and the messages sent after the commit."""

    store_id: str = ""
    acked_seq: int = 0
    gap: bool = False
    resend_from: int | None = None  # ask the store to resend: the gap outlasted the grace
    duplicates: int = 0
    applied: int = 0
    requested_orders: list[dict[str, Any]] = field(default_factory=list)


class Unusable(Exception):
    """An event of the group cannot be applied: roll the transaction back and apply the group
    again with `careful=True` (event by event)."""


# What bad data raises in a handler (with the database's own integrity and data errors, from
# the adapter). Anything else (the database went away, a deadlock) is not the event's fault:
# it propagates and the whole group is tried again or left unacknowledged.
_UNUSABLE: tuple[type[Exception], ...] = (
    KeyError, TypeError, ValueError, AttributeError, OverflowError
)  # fmt: skip


@dataclass
class _Store:
    """One store's position while a group is applied (from its locked row)."""

    applied: int
    gap_since: str | None
    gap_asked_at: str | None
    held: dict[int, str]
    had_held: bool = False
    depth: int = 0
    last_event_at: str | None = None
    duplicates: int = 0
    resend_requests: int = 0


@dataclass
class _Writes:
    """Rows written once per group instead of once per event (fast path only)."""

    deferred: bool
    events: list[tuple[str, int, str, str, str, str, str | None]] = field(default_factory=list)
    levels: dict[tuple[str, str], stock_repo.Level] = field(default_factory=dict)
    sales: list[dict[str, Any]] = field(default_factory=list)
    held: list[tuple[str, int, str, str]] = field(default_factory=list)
    feed: list[feed_repo.Item] = field(default_factory=list)


Handler = Callable[[Tx, str, EventRecord, Applied, _Writes], None]


def apply_batches(
    storage: Storage,
    tx: Tx,
    batches: Sequence[tuple[str, EventBatch]],
    now: str,
    *,
    gap_since: str,
    careful: bool = False,
) -> list[Applied]:
    """`gap_since`: a gap first seen at or before this time has outlasted the grace. Not
    careful: raises Unusable when an event cannot be applied (the caller rolls back and calls
    again, careful). Careful: such an event is recorded with its error."""
    with tx.pipeline():  # the rows' creation and their lock in one round trip
        rows = stores_repo.lock(tx, [s for s, _ in batches], storage.for_update)
    gaps = sorted(s for s, r in rows.items() if r["gap_since"] is not None)
    held = events_repo.held_for(tx, gaps)
    unusable = (*_UNUSABLE, *storage.data_errors)
    return _apply_group(tx, batches, rows, held, now, gap_since, unusable, careful=careful)


def _apply_group(
    tx: Tx,
    batches: Sequence[tuple[str, EventBatch]],
    rows: dict[str, Any],
    held: dict[str, dict[int, str]],
    now: str,
    grace: str,
    unusable: tuple[type[Exception], ...],
    *,
    careful: bool,
) -> list[Applied]:
    stores = {
        s: _Store(
            int(r["applied_seq"]), r["gap_since"], r["gap_asked_at"], dict(held.get(s, {})),
            had_held=s in held,
        )
        for s, r in rows.items()
    }  # fmt: skip
    w = _Writes(deferred=not careful)
    out = []
    for store_id, batch in batches:
        st = stores[store_id]
        st.depth = batch.outbox_depth
        done = Applied(store_id=store_id, acked_seq=st.applied)
        for ev in sorted(batch.events, key=lambda e: e.seq):
            if ev.seq <= st.applied:
                done.duplicates += 1
            elif ev.seq == st.applied + 1:
                _apply(tx, store_id, ev, now, done, st, w, unusable, careful)
            elif ev.seq in st.held:
                done.duplicates += 1
            else:
                text = ev.model_dump_json()
                st.held[ev.seq] = text
                w.held.append((store_id, ev.seq, text, now))
        while (body := st.held.get(st.applied + 1)) is not None:  # fill from behind the gap
            _apply(tx, store_id, EventRecord.model_validate_json(body), now, done, st, w,
                   unusable, careful)  # fmt: skip
        st.held = {seq: b for seq, b in st.held.items() if seq > st.applied}
        done.acked_seq, done.gap = st.applied, bool(st.held)
        st.duplicates += done.duplicates
        if not done.gap:
            st.gap_since = st.gap_asked_at = None
        else:
            st.gap_since = st.gap_since or now  # the missing batch gets the grace to arrive
            if st.gap_since <= grace and (st.gap_asked_at is None or st.gap_asked_at <= grace):
                done.resend_from = st.applied + 1
                st.gap_asked_at = now
                st.resend_requests += 1
        out.append(done)
    try:
        with tx.pipeline():
            _write(tx, w, stores, now)
        feed_repo.append(tx, w.feed)  # last: its counter row is held until the commit
    except unusable as exc:
        if careful:
            raise
        raise Unusable from exc
    return out


def _write(tx: Tx, w: _Writes, stores: dict[str, _Store], now: str) -> None:
    for sale in w.sales:
        sales_repo.add_sale(tx, **sale)
    events_repo.hold_many(tx, w.held)
    waited = {h[0] for h in w.held} | {s for s, st in stores.items() if st.had_held}
    events_repo.release_many(tx, [(s, stores[s].applied) for s in sorted(waited)])
    events_repo.record(tx, w.events)
    stock_repo.set_levels(tx, list(w.levels.values()))
    stores_repo.save_progress(
        tx,
        [
            (st.applied, now, st.depth, st.last_event_at, now if st.last_event_at else None,
             st.duplicates, st.gap_since, st.gap_asked_at, st.resend_requests, s)
            for s, st in stores.items()
        ],
    )  # fmt: skip


def _apply(
    tx: Tx,
    store_id: str,
    ev: EventRecord,
    now: str,
    done: Applied,
    st: _Store,
    w: _Writes,
    unusable: tuple[type[Exception], ...],
    careful: bool,
) -> None:
    error = None
    at: str | None = None
    handler = HANDLERS.get(ev.type)
    try:
        with tx.savepoint("event") if careful else nullcontext():
            at = utc_iso(ev.at)
            if handler is None:
                log.info("ignoring event type %s from %s", ev.type, store_id)
            else:
                handler(tx, store_id, ev, done, w)
            levels = _levels(store_id, ev, at)
    except unusable as exc:
        if not careful:
            raise Unusable from exc
        error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("event %s/%d (%s) not applied: %s", store_id, ev.seq, ev.type, error)
        levels = []
    for row in levels:
        w.levels[(row[0], row[1])] = row  # within a group only the last level per SKU matters
    # The record of the event is written whatever it held: nothing in it may refuse to store.
    record_id, record_type = ev.id.replace("\0", "?"), ev.type.replace("\0", "?")
    w.events.append((store_id, ev.seq, record_id, record_type, at or now, now, error))
    if error is None and at is not None and ev.type in FEED:
        w.feed.append((store_id, ev.seq, record_type, at, now, json.dumps(ev.data)))
    st.applied = ev.seq
    if at is not None:
        st.last_event_at = at
    done.applied += 1


def _levels(store_id: str, ev: EventRecord, at: str) -> list[stock_repo.Level]:
    out = [
        (store_id, str(lv["sku"]), int(lv["on_hand"]), int(lv["reserved"]), at)
        for lv in ev.data.get("stock") or []
    ]
    if any("\0" in lv[1] for lv in out):
        raise ValueError("a SKU with a NUL character")  # no database stores it as text
    return out


def _sale(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
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


def _order_status(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
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


def _order_requested(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
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


def _return(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
    d = ev.data
    original = d.get("original") or {}
    kind, ref = original.get("kind", "none"), original.get("ref")
    reasons = []
    before: dict[str, tuple[int, int]] = {}
    for ln in d["lines"]:
        sku, qty = str(ln["sku"]), int(ln["qty"])
        if kind == "sale" and ref:
            _flush_sales(tx, w)  # a return may come in the same group as its sale
            sold, returned = sales_repo.sold_and_returned(tx, ref, sku)
            before.setdefault(sku, (sold, returned))
            sales_repo.spread_return(tx, ref, sku, qty)
        elif kind == "order" and ref:
            sold, returned = orders_repo.ordered_and_returned(tx, ref, sku)
            before.setdefault(sku, (sold, returned))
            orders_repo.add_returned(tx, ref, sku, qty)
        else:
            continue
        if returned + qty > sold:
            reasons.append(f"{sku}: returned {returned + qty} of {sold} sold")
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


def _loyalty_earned(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
    _flush_sales(tx, w)  # the sale it earns for came before it, maybe in this group
    loyalty_apply.earned(tx, store_id, ev.data, ev.at)


def _fiscalised(tx: Tx, store_id: str, ev: EventRecord, done: Applied, w: _Writes) -> None:
    d = ev.data
    _flush_sales(tx, w)  # the sale may be in the same group
    sales_repo.set_fiscal(
        tx, store_id, str(d["receipt_no"]), int(d["number"]), utc_iso(d.get("at", ev.at))
    )


def _flush_sales(tx: Tx, w: _Writes) -> None:
    for sale in w.sales:
        sales_repo.add_sale(tx, **sale)
    w.sales.clear()


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
