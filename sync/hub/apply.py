"""Applying stores' events at the hub, exactly once and in (store, seq) order.

`apply_batches` applies a group of batches (one or more stores; whatever the worker found waiting)
in the caller's transaction. It first takes the stores' locks (store order: every worker of a
shared group serialises on them, and none waits on another in a circle), then for each batch:
events at or below the store's applied seq are duplicates (skipped and counted), the next one is
applied, later ones wait in `hub_pending` until the gap is filled. Each event type has a small
handler; every stock-changing event carries the store's levels after the change (`data.stock`),
which the hub simply sets (and marks for the neighbours' next nearby push).

Each batch runs in a savepoint. Fast path: the whole batch at once. If one event's data is
unusable, the batch is rolled back to its savepoint and applied again with a savepoint per
event, so that event is recorded with its error and the stream goes on (blocking every later
event of the store would be worse)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sync.hub.store import events as events_repo
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
    lags_s: list[float] = field(default_factory=list)  # event time → applied, per event


Handler = Callable[[Tx, str, EventRecord, Applied], None]


class _Unusable(Exception):
    """An event of the batch cannot be applied: redo the batch event by event."""


# What bad data raises in a handler (with the database's own integrity and data errors, from
# the adapter). Anything else (the database went away, a deadlock) is not the event's fault:
# it propagates and the whole group is tried again or left unacknowledged.
_UNUSABLE: tuple[type[Exception], ...] = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    OverflowError,
)


def apply_batches(
    storage: Storage,
    tx: Tx,
    batches: Sequence[tuple[str, EventBatch]],
    now: str,
    *,
    gap_since: str,
) -> list[Applied]:
    """`gap_since`: a gap first seen at or before this time has outlasted the grace."""
    ids = [store_id for store_id, _ in batches]
    stores_repo.ensure(tx, ids)
    storage.lock_stores(tx, ids)
    out = []
    for store_id, batch in batches:
        try:
            with tx.savepoint("batch"):
                done = _apply_batch(tx, store_id, batch, now, storage.data_errors, careful=False)
        except _Unusable:
            with tx.savepoint("batch"):
                done = _apply_batch(tx, store_id, batch, now, storage.data_errors, careful=True)
        if done.gap:
            done.resend_from = stores_repo.claim_resend_request(
                tx, store_id, now=now, since=gap_since
            )
        out.append(done)
    return out


def _apply_batch(
    tx: Tx,
    store_id: str,
    batch: EventBatch,
    now: str,
    unusable: tuple[type[Exception], ...],
    *,
    careful: bool,
) -> Applied:
    store = stores_repo.get(tx, store_id)
    done = Applied(store_id=store_id, acked_seq=int(store["applied_seq"]))
    writes: list[tuple[str, int, str, str, str, str, str | None]] = []
    levels: dict[str, stock_repo.Level] = {}
    last_at: str | None = None
    for ev in sorted(batch.events, key=lambda e: e.seq):
        if ev.seq <= done.acked_seq:
            done.duplicates += 1
        elif ev.seq == done.acked_seq + 1:
            at = _apply(tx, store_id, ev, now, done, writes, levels, unusable, careful)
            last_at = at or last_at
        else:
            events_repo.hold(tx, store_id, ev.seq, ev.model_dump_json(), now)
    while (body := events_repo.held(tx, store_id, done.acked_seq + 1)) is not None:
        ev = EventRecord.model_validate_json(body)
        at = _apply(tx, store_id, ev, now, done, writes, levels, unusable, careful)
        last_at = at or last_at
    done.gap = events_repo.release(tx, store_id, done.acked_seq)
    events_repo.record(tx, writes)
    stock_repo.set_levels(tx, list(levels.values()))
    stores_repo.applied(
        tx,
        store_id,
        applied_seq=done.acked_seq,
        now=now,
        depth=batch.outbox_depth,
        last_event_at=last_at,
        duplicates=done.duplicates,
        gap=done.gap,
    )
    return done


def _apply(
    tx: Tx,
    store_id: str,
    ev: EventRecord,
    now: str,
    done: Applied,
    writes: list[tuple[str, int, str, str, str, str, str | None]],
    levels: dict[str, stock_repo.Level],
    unusable: tuple[type[Exception], ...],
    careful: bool,
) -> str | None:
    """Applies one event; returns its time (UTC ISO) when it was usable enough to have one."""
    error = None
    handler = HANDLERS.get(ev.type)
    at: str | None = None
    try:
        with tx.savepoint("event") if careful else nullcontext():
            at = utc_iso(ev.at)
            if handler is None:
                log.info("ignoring event type %s from %s", ev.type, store_id)
            else:
                handler(tx, store_id, ev, done)
            new_levels = _levels(store_id, ev, at)
    except (*_UNUSABLE, *unusable) as exc:
        if not careful:
            raise _Unusable from exc
        error = f"{type(exc).__name__}: {exc}"[:500]
        log.warning("event %s/%d (%s) not applied: %s", store_id, ev.seq, ev.type, error)
        new_levels = []
    for row in new_levels:
        levels[row[1]] = row  # within a batch only the last level per SKU matters
    writes.append((store_id, ev.seq, ev.id, ev.type, at or now, now, error))
    done.acked_seq = ev.seq
    done.applied += 1
    return at


def _levels(store_id: str, ev: EventRecord, at: str) -> list[stock_repo.Level]:
    return [
        (store_id, str(lv["sku"]), int(lv["on_hand"]), int(lv["reserved"]), at)
        for lv in ev.data.get("stock") or []
    ]


def _sale(tx: Tx, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    at = utc_iso(d.get("at", ev.at))
    sales_repo.add_sale(
        tx,
        receipt_no=str(d["receipt_no"]),
        store_id=store_id,
        at=at,
        currency=str(d["currency"]),
        total=int(d["total"]),
        tenders=json.dumps(d.get("tenders", [])),
        lines=[
            (str(d["receipt_no"]), int(ln.get("line_no", i + 1)), at, str(ln["sku"]),
             int(ln["qty"]), int(ln["unit_price"]), int(ln["total"]), str(ln.get("vat", "")))
            for i, ln in enumerate(d["lines"])
        ],
    )  # fmt: skip


def _order_status(tx: Tx, store_id: str, ev: EventRecord, done: Applied) -> None:
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


def _order_requested(tx: Tx, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    if not d.get("request_id") or not d.get("lines"):
        raise ValueError("order.requested needs request_id and lines")
    done.requested_orders.append({**d, "store_id": d.get("store_id") or store_id})


def _return(tx: Tx, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    original = d.get("original") or {}
    kind, ref = original.get("kind", "none"), original.get("ref")
    reasons = []
    for ln in d["lines"]:
        sku, qty = str(ln["sku"]), int(ln["qty"])
        if kind == "sale" and ref:
            sold, returned = sales_repo.sold_and_returned(tx, ref, sku)
            sales_repo.spread_return(tx, ref, sku, qty)
        elif kind == "order" and ref:
            sold, returned = orders_repo.ordered_and_returned(tx, ref, sku)
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
    if reasons:
        log.warning("over-return %s at %s: %s", d["return_id"], store_id, "; ".join(reasons))


HANDLERS: dict[str, Handler] = {
    "sale.completed": _sale,
    "stock.adjusted": lambda tx, store_id, ev, done: None,  # the levels are all it carries
    "order.status": _order_status,
    "order.requested": _order_requested,
    "return.completed": _return,
}
