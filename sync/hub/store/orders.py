"""Click & collect orders at the hub (`hub_orders`, `hub_order_lines`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sync.hub.store.port import Tx


def exists_for_request(tx: Tx, request_id: str) -> bool:
    return tx.one("SELECT 1 FROM hub_orders WHERE request_id = ?", [request_id]) is not None


@dataclass(frozen=True, slots=True)
class Line:
    """An order line as priced (edge/domain/pricing.py): its unit (grams of weighed goods), the
    promotion's terms it was priced with and its total, so a store prices any part alike."""

    sku: str
    qty: int
    unit_price: int
    unit: str = "pcs"
    promotion: dict[str, Any] | None = None
    total: int | None = None


def add(
    tx: Tx,
    *,
    order_id: str,
    request_id: str | None,
    store_id: str,
    status: str,
    currency: str,
    total: int,
    prepaid: bool,
    customer: str,
    at: str,
    lines: Sequence[Line],
) -> None:
    tx.execute(
        "INSERT INTO hub_orders (order_id, request_id, store_id, status, currency, total,"
        " prepaid, customer, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [order_id, request_id, store_id, status, currency, total, int(prepaid), customer, at,
         at],
    )  # fmt: skip
    _changed(tx, order_id, store_id, status, at)
    tx.executemany(
        "INSERT INTO hub_order_lines (order_id, sku, qty, unit_price, unit, promotion, total)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (order_id, ln.sku, ln.qty, ln.unit_price, ln.unit,
             json.dumps(ln.promotion) if ln.promotion else None, ln.total)
            for ln in lines
        ],
    )  # fmt: skip


def get(tx: Tx, order_id: str) -> tuple[Any, list[Any]] | None:
    row = tx.one("SELECT * FROM hub_orders WHERE order_id = ?", [order_id])
    if row is None:
        return None
    lines = tx.all(
        "SELECT sku, qty, unit, unit_price, promotion, total, reserved, collected, short,"
        " returned FROM hub_order_lines WHERE order_id = ? ORDER BY sku",
        [order_id],
    )
    return row, lines


def line_dict(row: Any) -> dict[str, Any]:
    """A stored line as the API and the lookups show it (its promotion's terms decoded)."""
    promo = row["promotion"]
    if isinstance(promo, str):
        promo = json.loads(promo)
    return {**dict(row), "promotion": promo or None}


def set_status(
    tx: Tx,
    order_id: str,
    *,
    status: str,
    at: str,
    store_id: str | None = None,
    shelf: str | None = None,
    receipt_no: str | None = None,
    reason: str | None = None,
) -> None:
    where, params = ("", []) if store_id is None else (" AND store_id = ?", [store_id])
    was = tx.one(f"SELECT store_id, status FROM hub_orders WHERE order_id = ?{where}",
                 [order_id, *params])  # fmt: skip
    if was is not None and was["status"] != status:
        _changed(tx, order_id, str(was["store_id"]), status, at)
    tx.execute(
        "UPDATE hub_orders SET status = ?, shelf = coalesce(?, shelf),"
        " receipt_no = coalesce(?, receipt_no), reason = coalesce(?, reason), updated_at = ?"
        f" WHERE order_id = ?{where}",
        [status, shelf, receipt_no, reason, at, order_id, *params],
    )


def set_line_progress(
    tx: Tx, order_id: str, sku: str, *, reserved: int, collected: int, short: int
) -> None:
    tx.execute(
        "UPDATE hub_order_lines SET reserved = ?, collected = ?, short = ?"
        " WHERE order_id = ? AND sku = ?",
        [reserved, collected, short, order_id, sku],
    )


def ordered_and_returned(tx: Tx, order_id: str, sku: str) -> tuple[int, int]:
    row = tx.one(
        "SELECT coalesce(sum(CASE WHEN collected > 0 THEN collected ELSE qty END), 0),"
        " coalesce(sum(returned), 0) FROM hub_order_lines WHERE order_id = ? AND sku = ?",
        [order_id, sku],
    )
    return int(row[0]), int(row[1])


def add_returned(tx: Tx, order_id: str, sku: str, qty: int) -> None:
    tx.execute(
        "UPDATE hub_order_lines SET returned = returned + ? WHERE order_id = ? AND sku = ?",
        [qty, order_id, sku],
    )


def _changed(tx: Tx, order_id: str, store_id: str, status: str, at: str) -> None:
    """One change of status, numbered after the last: the counter row stays locked until the
    commit, so a reader never sees a later change before an earlier one."""
    position = tx.scalar(
        "UPDATE hub_counters SET value = value + 1 WHERE name = 'order_change_position'"
        " RETURNING value"
    )
    tx.execute(
        "INSERT INTO hub_order_changes (position, order_id, store_id, status, at)"
        " VALUES (?, ?, ?, ?, ?)",
        [int(position), order_id, store_id, status, at],
    )


def changes_after(tx: Tx, position: int, limit: int) -> list[Any]:
    return tx.all(
        "SELECT c.position, c.order_id, c.store_id, c.status, c.at, o.customer_id"
        " FROM hub_order_changes c JOIN hub_orders o ON o.order_id = c.order_id"
        " WHERE c.position > ? ORDER BY c.position LIMIT ?",
        [position, limit],
    )
