"""Click & collect orders at the hub (`hub_orders`, `hub_order_lines`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx


def exists_for_request(tx: Tx, request_id: str) -> bool:
    return tx.one("SELECT 1 FROM hub_orders WHERE request_id = ?", [request_id]) is not None


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
    lines: Sequence[tuple[str, int, int]],
) -> None:
    """`lines`: (sku, qty, unit_price)."""
    tx.execute(
        "INSERT INTO hub_orders (order_id, request_id, store_id, status, currency, total,"
        " prepaid, customer, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [order_id, request_id, store_id, status, currency, total, int(prepaid), customer, at,
         at],
    )  # fmt: skip
    tx.executemany(
        "INSERT INTO hub_order_lines (order_id, sku, qty, unit_price) VALUES (?, ?, ?, ?)",
        [(order_id, *ln) for ln in lines],
    )


def get(tx: Tx, order_id: str) -> tuple[Any, list[Any]] | None:
    row = tx.one("SELECT * FROM hub_orders WHERE order_id = ?", [order_id])
    if row is None:
        return None
    lines = tx.all(
        "SELECT sku, qty, unit_price, reserved, collected, short, returned FROM hub_order_lines"
        " WHERE order_id = ? ORDER BY sku",
        [order_id],
    )
    return row, lines


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
