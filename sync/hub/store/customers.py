"""The CRM's customers at the hub (`hub_customers`) and what they did in every channel: sales,
orders and returns carry the customer's id, the ledger its points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx

CustomerRow = tuple[str, str | None, str | None, str, str, int, int, str]
# customer_id, card, phone, name, email, marketing, history, updated_at


def upsert(tx: Tx, rows: Sequence[CustomerRow]) -> None:
    tx.executemany(
        "INSERT INTO hub_customers (customer_id, card, phone, name, email, marketing, history,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET"
        " card = excluded.card, phone = excluded.phone, name = excluded.name,"
        " email = excluded.email, marketing = excluded.marketing, history = excluded.history,"
        " updated_at = excluded.updated_at",
        rows,
    )


def get(tx: Tx, customer_id: str) -> Any:
    return tx.one("SELECT * FROM hub_customers WHERE customer_id = ?", [customer_id])


def find(tx: Tx, *, card: str | None = None, phone: str | None = None) -> Any:
    if card is not None:
        return tx.one("SELECT * FROM hub_customers WHERE card = ?", [card])
    return tx.one("SELECT * FROM hub_customers WHERE phone = ?", [phone])


def holders(tx: Tx, column: str, values: Sequence[str]) -> dict[str, str]:
    """Which customer holds each of `values` in `column` (card or phone)."""
    if column not in ("card", "phone") or not values:
        return {}
    rows = tx.all(
        f"SELECT {column}, customer_id FROM hub_customers WHERE {column}"
        f" IN ({tx.marks(len(values))})",
        list(values),
    )
    return {r[0]: r[1] for r in rows}


def erased(tx: Tx, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    rows = tx.all(
        "SELECT customer_id FROM hub_customers WHERE erased_at IS NOT NULL"
        f" AND customer_id IN ({tx.marks(len(ids))})",
        list(ids),
    )
    return {r[0] for r in rows}


def sales(tx: Tx, customer_id: str, limit: int) -> list[Any]:
    return tx.all(
        "SELECT receipt_no, store_id, at, currency, total FROM hub_sales WHERE customer_id = ?"
        " ORDER BY at DESC LIMIT ?",
        [customer_id, limit],
    )


def orders(tx: Tx, customer_id: str, limit: int) -> list[Any]:
    return tx.all(
        "SELECT order_id, store_id, status, currency, total, created_at, updated_at"
        " FROM hub_orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT ?",
        [customer_id, limit],
    )


def returns(tx: Tx, customer_id: str, limit: int) -> list[Any]:
    return tx.all(
        "SELECT return_id, store_id, at, original_kind, original_ref FROM hub_returns"
        " WHERE customer_id = ? ORDER BY at DESC LIMIT ?",
        [customer_id, limit],
    )


def entries(tx: Tx, customer_id: str, limit: int) -> list[Any]:
    return tx.all(
        "SELECT kind, ref, points, store_id, at, offline, overdraft FROM hub_loyalty_entries"
        " WHERE customer_id = ? ORDER BY at DESC LIMIT ?",
        [customer_id, limit],
    )


def link_order(tx: Tx, order_id: str, customer_id: str) -> None:
    tx.execute("UPDATE hub_orders SET customer_id = ? WHERE order_id = ?", [customer_id, order_id])


def link_sale(tx: Tx, receipt_no: str, customer_id: str) -> None:
    tx.execute(
        "UPDATE hub_sales SET customer_id = ? WHERE receipt_no = ?", [customer_id, receipt_no]
    )


def link_return(tx: Tx, return_id: str, customer_id: str) -> None:
    tx.execute(
        "UPDATE hub_returns SET customer_id = ? WHERE return_id = ?", [customer_id, return_id]
    )


def sale_customer(tx: Tx, receipt_no: str) -> str | None:
    row = tx.one("SELECT customer_id FROM hub_sales WHERE receipt_no = ?", [receipt_no])
    return None if row is None else row[0]


def seen_at(tx: Tx, customer_id: str, store_id: str) -> None:
    tx.execute(
        "INSERT INTO hub_customer_stores (customer_id, store_id) VALUES (?, ?)"
        " ON CONFLICT (customer_id, store_id) DO NOTHING",
        [customer_id, store_id],
    )


def stores_holding(tx: Tx, customer_id: str) -> list[str]:
    rows = tx.all(
        "SELECT store_id FROM hub_customer_stores WHERE customer_id = ? ORDER BY store_id",
        [customer_id],
    )
    return [r[0] for r in rows]


def erase(tx: Tx, customer_id: str, at: str) -> None:
    """Personal data gone: the customer's row keeps only its id and when it was erased; sales,
    orders and returns stay, no longer linked; orders lose their contact; the ledger goes."""
    tx.execute(
        "UPDATE hub_customers SET card = NULL, phone = NULL, name = '', email = '',"
        " marketing = 0, history = 0, erased_at = ?, updated_at = ? WHERE customer_id = ?",
        [at, at, customer_id],
    )
    tx.execute("UPDATE hub_sales SET customer_id = NULL WHERE customer_id = ?", [customer_id])
    tx.execute("UPDATE hub_returns SET customer_id = NULL WHERE customer_id = ?", [customer_id])
    tx.execute(
        "UPDATE hub_orders SET customer = '{}', customer_id = NULL WHERE customer_id = ?",
        [customer_id],
    )
    tx.execute("DELETE FROM hub_loyalty_entries WHERE customer_id = ?", [customer_id])
    tx.execute("DELETE FROM hub_customer_stores WHERE customer_id = ?", [customer_id])
