"""What the daily CSV export reads: a day's sale lines and returns, and the stock levels."""

from __future__ import annotations

from typing import Any

from sync.hub.store.port import Tx


def sale_lines(tx: Tx, start: str, end: str) -> list[Any]:
    return tx.all(
        "SELECT s.store_id, s.receipt_no, s.at, l.line_no, l.sku, l.qty, l.unit_price, l.total,"
        " l.vat, l.returned, s.currency FROM hub_sales s JOIN hub_sale_lines l"
        " ON l.receipt_no = s.receipt_no AND l.at = s.at WHERE s.at >= ? AND s.at < ?"
        " ORDER BY s.store_id, s.at, s.receipt_no, l.line_no",
        [start, end],
    )


def returns(tx: Tx, start: str, end: str) -> list[Any]:
    return tx.all(
        "SELECT store_id, return_id, at, original_kind, original_ref, offline, flagged, body"
        " FROM hub_returns WHERE at >= ? AND at < ? ORDER BY store_id, at, return_id",
        [start, end],
    )


def stock(tx: Tx) -> list[Any]:
    return tx.all(
        "SELECT store_id, sku, on_hand, reserved, as_of FROM hub_stock ORDER BY store_id, sku"
    )
