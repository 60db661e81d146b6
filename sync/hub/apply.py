"""Applying one store's events at the hub, exactly once and in (store, seq) order.

`apply_batch` runs in one transaction: events at or below the store's applied seq are
duplicates (skipped), the next one is applied, later ones wait in `hub_pending` until the gap
is filled. Each event type has a small handler; every stock-changing event carries the store's
levels after the change (`data.stock`), which the hub simply sets."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync.protocol import EventRecord

log = logging.getLogger(__name__)

Handler = Callable[[sqlite3.Connection, str, EventRecord, "Applied"], None]


@dataclass
class Applied:
    """What one batch did, for the acks and messages sent after its commit."""

    acked_seq: int = 0
    gap: bool = False
    duplicates: int = 0
    applied: int = 0
    stock: list[dict[str, Any]] = field(default_factory=list)  # [{store_id, sku, ...}]
    requested_orders: list[dict[str, Any]] = field(default_factory=list)


def ensure_store(conn: sqlite3.Connection, store_id: str) -> sqlite3.Row:
    conn.execute("INSERT OR IGNORE INTO hub_stores (store_id) VALUES (?)", [store_id])
    return conn.execute("SELECT * FROM hub_stores WHERE store_id = ?", [store_id]).fetchone()


class _Unusable(Exception):
    """An event of the batch cannot be applied: redo the batch event by event."""


_UNUSABLE = (KeyError, TypeError, ValueError, AttributeError, sqlite3.IntegrityError)


def apply_batch(
    conn: sqlite3.Connection, store_id: str, events: list[EventRecord], now: str, depth: int
) -> Applied:
    # Fast path: the whole batch at once. If one event's data is unusable, roll the batch back
    # and apply it again with a savepoint per event, so that event is recorded with its error
    # and the stream goes on (blocking every later event of the store would be worse).
    conn.execute("SAVEPOINT batch")
    try:
        done = _apply_batch(conn, store_id, events, now, depth, careful=False)
    except _Unusable:
        conn.execute("ROLLBACK TO batch")
        done = _apply_batch(conn, store_id, events, now, depth, careful=True)
    conn.execute("RELEASE batch")
    return done


class _Writes:
    """Rows written once per batch instead of once per event."""

    def __init__(self) -> None:
        self.events: list[tuple[object, ...]] = []
        self.stock: dict[str, tuple[str, str, int, int, str]] = {}


def _apply_batch(
    conn: sqlite3.Connection,
    store_id: str,
    events: list[EventRecord],
    now: str,
    depth: int,
    *,
    careful: bool,
) -> Applied:
    store = ensure_store(conn, store_id)
    done = Applied(acked_seq=store["applied_seq"])
    writes = _Writes()
    last_at = store["last_event_at"]
    for ev in sorted(events, key=lambda e: e.seq):
        if ev.seq <= done.acked_seq:
            done.duplicates += 1
        elif ev.seq == done.acked_seq + 1:
            _apply(conn, store_id, ev, now, done, writes, careful)
            last_at = ev.at
        else:
            conn.execute(
                "INSERT OR IGNORE INTO hub_pending (store_id, seq, body) VALUES (?, ?, ?)",
                [store_id, ev.seq, ev.model_dump_json()],
            )
    # Fill from what waited behind a gap.
    while True:
        row = conn.execute(
            "SELECT body FROM hub_pending WHERE store_id = ? AND seq = ?",
            [store_id, done.acked_seq + 1],
        ).fetchone()
        if row is None:
            break
        ev = EventRecord.model_validate_json(row[0])
        _apply(conn, store_id, ev, now, done, writes, careful)
        last_at = ev.at
    conn.execute(
        "DELETE FROM hub_pending WHERE store_id = ? AND seq <= ?", [store_id, done.acked_seq]
    )
    done.gap = bool(
        conn.execute("SELECT 1 FROM hub_pending WHERE store_id = ? LIMIT 1", [store_id]).fetchone()
    )
    conn.executemany(
        "INSERT INTO hub_events (store_id, seq, id, type, at, applied_at, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        writes.events,
    )
    # Levels are "after the change": within a batch only the last one per SKU matters.
    conn.executemany(
        "INSERT INTO hub_stock (store_id, sku, on_hand, reserved, as_of) VALUES (?,?,?,?,?)"
        " ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand,"
        " reserved = excluded.reserved, as_of = excluded.as_of",
        list(writes.stock.values()),
    )
    done.stock = [
        {"store_id": r[0], "sku": r[1], "on_hand": r[2], "reserved": r[3], "as_of": r[4]}
        for r in writes.stock.values()
    ]
    conn.execute(
        "UPDATE hub_stores SET applied_seq = ?, last_seen = ?, reported_depth = ?,"
        " last_event_at = ?, last_applied_at = ? WHERE store_id = ?",
        [done.acked_seq, now, depth, last_at, now, store_id],
    )
    return done


def _apply(
    conn: sqlite3.Connection,
    store_id: str,
    ev: EventRecord,
    now: str,
    done: Applied,
    writes: _Writes,
    careful: bool,
) -> None:
    error = None
    levels: list[tuple[str, str, int, int, str]] = []
    handler = HANDLERS.get(ev.type)
    if careful:
        conn.execute("SAVEPOINT event")
    try:
        if handler is None:
            log.info("ignoring event type %s from %s", ev.type, store_id)
        else:
            handler(conn, store_id, ev, done)
        levels = _levels(store_id, ev)
    except _UNUSABLE as exc:
        if not careful:
            raise _Unusable from exc
        conn.execute("ROLLBACK TO event")
        error = f"{type(exc).__name__}: {exc}"
        log.warning("event %s/%d (%s) not applied: %s", store_id, ev.seq, ev.type, error)
    if careful:
        conn.execute("RELEASE event")
    for row in levels:
        writes.stock[row[1]] = row
    writes.events.append((store_id, ev.seq, ev.id, ev.type, ev.at, now, error))
    done.acked_seq = ev.seq
    done.applied += 1


def _levels(store_id: str, ev: EventRecord) -> list[tuple[str, str, int, int, str]]:
    return [
        (store_id, str(lv["sku"]), int(lv["on_hand"]), int(lv["reserved"]), ev.at)
        for lv in ev.data.get("stock") or []
    ]


def _sale(conn: sqlite3.Connection, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    conn.execute(
        "INSERT INTO hub_sales (receipt_no, store_id, at, currency, total, tenders)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            d["receipt_no"],
            store_id,
            d.get("at", ev.at),
            d["currency"],
            int(d["total"]),
            json.dumps(d.get("tenders", [])),
        ],
    )
    conn.executemany(
        "INSERT INTO hub_sale_lines (receipt_no, line_no, sku, qty, unit_price, total, vat)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                d["receipt_no"],
                int(ln.get("line_no", i + 1)),
                ln["sku"],
                int(ln["qty"]),
                int(ln["unit_price"]),
                int(ln["total"]),
                str(ln.get("vat", "")),
            )
            for i, ln in enumerate(d["lines"])
        ],
    )


def _order_status(conn: sqlite3.Connection, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    conn.execute(
        "UPDATE hub_orders SET status = ?, shelf = coalesce(?, shelf),"
        " receipt_no = coalesce(?, receipt_no), updated_at = ? WHERE order_id = ? AND store_id = ?",
        [d["status"], d.get("shelf"), d.get("receipt_no"), ev.at, d["order_id"], store_id],
    )
    for ln in d.get("lines") or []:
        conn.execute(
            "UPDATE hub_order_lines SET reserved = ?, collected = ?, short = ?"
            " WHERE order_id = ? AND sku = ?",
            [
                int(ln.get("reserved", 0)),
                int(ln.get("collected", 0)),
                int(ln.get("short", 0)),
                d["order_id"],
                ln["sku"],
            ],
        )


def _order_requested(
    conn: sqlite3.Connection, store_id: str, ev: EventRecord, done: Applied
) -> None:
    d = ev.data
    if not d.get("request_id") or not d.get("lines"):
        raise ValueError("order.requested needs request_id and lines")
    # Only what the shopper asked for: the store is the topic's (the service's `store_id`),
    # the price, the pickup code and "prepaid" are the hub's to decide.
    done.requested_orders.append(
        {"request_id": d["request_id"], "lines": d["lines"], "customer": d.get("customer")}
    )


def _return(conn: sqlite3.Connection, store_id: str, ev: EventRecord, done: Applied) -> None:
    d = ev.data
    original = d.get("original") or {}
    kind, ref = original.get("kind", "none"), original.get("ref")
    reasons = []
    for ln in d["lines"]:
        sku, qty = ln["sku"], int(ln["qty"])
        if kind == "sale" and ref:
            row = conn.execute(
                "SELECT coalesce(sum(qty), 0), coalesce(sum(returned), 0) FROM hub_sale_lines"
                " WHERE receipt_no = ? AND sku = ?",
                [ref, sku],
            ).fetchone()
            _spread_return(conn, ref, sku, qty)
        elif kind == "order" and ref:
            row = conn.execute(
                "SELECT coalesce(sum(CASE WHEN collected > 0 THEN collected ELSE qty END), 0),"
                " coalesce(sum(returned), 0) FROM hub_order_lines WHERE order_id = ? AND sku = ?",
                [ref, sku],
            ).fetchone()
            conn.execute(
                "UPDATE hub_order_lines SET returned = returned + ? WHERE order_id = ? AND sku = ?",
                [qty, ref, sku],
            )
        else:
            continue
        sold, returned = row[0], row[1]
        if returned + qty > sold:
            reasons.append(f"{sku}: returned {returned + qty} of {sold} sold")
    conn.execute(
        "INSERT OR IGNORE INTO hub_returns (return_id, store_id, at, original_kind, original_ref,"
        " offline, flagged, flag_reason, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            d["return_id"],
            store_id,
            d.get("at", ev.at),
            kind,
            ref,
            int(bool(d.get("offline"))),
            int(bool(reasons)),
            "; ".join(reasons),
            json.dumps(d),
        ],
    )
    if reasons:
        log.warning("over-return %s at %s: %s", d["return_id"], store_id, "; ".join(reasons))


def _spread_return(conn: sqlite3.Connection, receipt_no: str, sku: str, qty: int) -> None:
    """Counts a return against the receipt's lines of that SKU, first the ones with room."""
    lines = conn.execute(
        "SELECT line_no, qty, returned FROM hub_sale_lines WHERE receipt_no = ? AND sku = ?"
        " ORDER BY line_no",
        [receipt_no, sku],
    ).fetchall()
    left = qty
    for i, ln in enumerate(lines):
        room = max(0, ln["qty"] - ln["returned"])
        take = left if i == len(lines) - 1 else min(left, room)
        if take:
            conn.execute(
                "UPDATE hub_sale_lines SET returned = returned + ? WHERE receipt_no = ?"
                " AND line_no = ?",
                [take, receipt_no, ln["line_no"]],
            )
            left -= take


HANDLERS: dict[str, Handler] = {
    "sale.completed": _sale,
    "stock.adjusted": lambda conn, store_id, ev, done: None,  # the levels are all it carries
    "order.status": _order_status,
    "order.requested": _order_requested,
    "return.completed": _return,
}
