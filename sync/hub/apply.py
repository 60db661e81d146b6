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
Each event type has a small handler (event_handlers.py); every stock-changing event carries the
store's levels after the change (`data.stock`), which the hub simply sets (and marks for the
neighbours' next nearby push).

Fast path and careful path: the group is applied whole. If one event's data is unusable (a
handler refuses it, or the database does), the transaction is rolled back and the group applied
again with a savepoint per event, so that event is recorded with its error and the stream goes
on (blocking every later event of the store would be worse)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sync.hub.applied import Applied, Writes
from sync.hub.event_handlers import FEED, HANDLERS
from sync.hub.store import events as events_repo
from sync.hub.store import feed as feed_repo
from sync.hub.store import stock as stock_repo
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import Storage, Tx, utc_iso
from sync.protocol import EventBatch, EventRecord

log = logging.getLogger(__name__)


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
    w = Writes(deferred=not careful)
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


def _write(tx: Tx, w: Writes, stores: dict[str, _Store], now: str) -> None:
    w.flush_sales(tx)
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
    w: Writes,
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
