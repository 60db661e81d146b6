"""Sales, their lines and returns as the stores report them, with what was returned against
each line (for the over-return check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx

SaleLine = tuple[str, int, str, str, int, int, int, str]
# receipt_no, line_no, at, sku, qty, unit_price, total, vat


def add_sale(
    tx: Tx,
    *,
    receipt_no: str,
    store_id: str,
    at: str,
    currency: str,
    total: int,
    tenders: str,
    lines: Sequence[SaleLine],
) -> None:
    tx.execute(
        "INSERT INTO hub_sales (receipt_no, store_id, at, currency, total, tenders)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [receipt_no, store_id, at, currency, total, tenders],
    )
    tx.executemany(
        "INSERT INTO hub_sale_lines (receipt_no, line_no, at, sku, qty, unit_price, total, vat)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        lines,
    )


def sold_and_returned(tx: Tx, receipt_no: str, sku: str) -> tuple[int, int]:
    row = tx.one(
        "SELECT coalesce(sum(qty), 0), coalesce(sum(returned), 0) FROM hub_sale_lines"
        " WHERE receipt_no = ? AND sku = ?",
        [receipt_no, sku],
    )
    return int(row[0]), int(row[1])


def spread_return(tx: Tx, receipt_no: str, sku: str, qty: int) -> None:
    """Counts a return against the receipt's lines of that SKU, first the ones with room."""
    lines = tx.all(
        "SELECT line_no, qty, returned FROM hub_sale_lines WHERE receipt_no = ? AND sku = ?"
        " ORDER BY line_no",
        [receipt_no, sku],
    )
    left = qty
    for i, ln in enumerate(lines):
        room = max(0, ln["qty"] - ln["returned"])
        take = left if i == len(lines) - 1 else min(left, room)
        if take:
            tx.execute(
                "UPDATE hub_sale_lines SET returned = returned + ? WHERE receipt_no = ?"
                " AND line_no = ?",
                [take, receipt_no, ln["line_no"]],
            )
            left -= take


def add_return(
    tx: Tx,
    *,
    return_id: str,
    store_id: str,
    at: str,
    kind: str,
    ref: str | None,
    offline: bool,
    reasons: list[str],
    body: str,
) -> None:
    tx.execute(
        "INSERT INTO hub_returns (return_id, store_id, at, original_kind, original_ref,"
        " offline, flagged, flag_reason, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (return_id) DO NOTHING",
        [return_id, store_id, at, kind, ref, int(offline), int(bool(reasons)),
         "; ".join(reasons), body],
    )  # fmt: skip


def exists(tx: Tx, receipt_no: str) -> bool:
    return tx.one("SELECT 1 FROM hub_sales WHERE receipt_no = ?", [receipt_no]) is not None


def returns_of_sales(tx: Tx, receipt_nos: Sequence[str]) -> list[Any]:
    """The returns on record of these sales, in the order they were made."""
    if not receipt_nos:
        return []
    marks = ", ".join("?" * len(receipt_nos))
    return tx.all(
        "SELECT return_id, store_id, at, original_ref, body FROM hub_returns"
        f" WHERE original_kind = 'sale' AND original_ref IN ({marks}) ORDER BY at, return_id",
        list(receipt_nos),
    )


def flag_return(tx: Tx, return_id: str, reasons: list[str]) -> None:
    tx.execute(
        "UPDATE hub_returns SET flagged = ?, flag_reason = ? WHERE return_id = ?",
        [int(bool(reasons)), "; ".join(reasons), return_id],
    )


def receipt(tx: Tx, receipt_no: str) -> tuple[Any, list[Any]] | None:
    sale = tx.one("SELECT * FROM hub_sales WHERE receipt_no = ?", [receipt_no])
    if sale is None:
        return None
    lines = tx.all(
        "SELECT line_no, sku, qty, unit_price, total, vat, returned FROM hub_sale_lines"
        " WHERE receipt_no = ? ORDER BY line_no",
        [receipt_no],
    )
    return sale, lines


def returns(tx: Tx, flagged: bool | None) -> list[Any]:
    where, params = ("", []) if flagged is None else (" WHERE flagged = ?", [int(flagged)])
    return tx.all(
        "SELECT return_id, store_id, at, original_kind, original_ref, offline, flagged,"
        f" flag_reason FROM hub_returns{where} ORDER BY at",
        params,
    )


def set_fiscal(tx: Tx, store_id: str, receipt_no: str, number: int, at: str) -> None:
    tx.execute(
        "UPDATE hub_sales SET fiscal_number = ?, fiscalised_at = ?"
        " WHERE receipt_no = ? AND store_id = ?",
        [number, at, receipt_no, store_id],
    )
