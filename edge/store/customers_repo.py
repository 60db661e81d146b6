"""Customers seen at this store (a cache of the hub's answers), the customer a basket carries
and what each member's sale earned."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any


def remember(
    conn: sqlite3.Connection, c: dict[str, Any], at: datetime, history: list[Any] | None = None
) -> None:
    """The hub's answer about a customer, kept as seen now (with their history's first page
    when it was asked for; else the one kept before)."""
    conn.execute(
        "INSERT INTO customers_cache (customer_id, card, phone, name, points, consents, history,"
        " fetched_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, '[]'), ?, ?)"
        " ON CONFLICT (customer_id) DO UPDATE SET card = excluded.card, phone = excluded.phone,"
        " name = excluded.name, points = excluded.points, consents = excluded.consents,"
        " history = coalesce(?, customers_cache.history), fetched_at = excluded.fetched_at,"
        " seen_at = excluded.seen_at",
        [c["customer_id"], c.get("card"), c.get("phone"), c.get("name") or "",
         int(c.get("points") or 0), json.dumps(c.get("consents") or {}),
         None if history is None else json.dumps(history), at.isoformat(), at.isoformat(),
         None if history is None else json.dumps(history)],
    )  # fmt: skip


def find(
    conn: sqlite3.Connection, *, card: str | None, phone: str | None, since: datetime
) -> sqlite3.Row | None:
    """A cached customer seen here after `since`, by card or phone (the latest fetched)."""
    column, value = ("card", card) if card else ("phone", phone)
    row: sqlite3.Row | None = conn.execute(
        f"SELECT * FROM customers_cache WHERE {column} = ? AND seen_at >= ?"
        " ORDER BY fetched_at DESC LIMIT 1",
        [value, since.isoformat()],
    ).fetchone()
    return row


def get(conn: sqlite3.Connection, customer_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM customers_cache WHERE customer_id = ?", [customer_id]
    ).fetchone()
    return row


def add_points(conn: sqlite3.Connection, customer_id: str, points: int) -> None:
    conn.execute(
        "UPDATE customers_cache SET points = points + ? WHERE customer_id = ?",
        [points, customer_id],
    )


def forget_older(conn: sqlite3.Connection, before: datetime) -> int:
    """Customers not seen here since `before` leave the store."""
    return conn.execute(
        "DELETE FROM customers_cache WHERE seen_at < ?", [before.isoformat()]
    ).rowcount


def erase(conn: sqlite3.Connection, customer_id: str) -> None:
    """Personal data gone from this store; its sales stay, anonymous."""
    conn.execute("DELETE FROM customers_cache WHERE customer_id = ?", [customer_id])
    conn.execute(
        "UPDATE basket_customers SET customer_id = NULL, card = NULL WHERE customer_id = ?",
        [customer_id],
    )
    conn.execute(
        "UPDATE sale_loyalty SET customer_id = NULL, card = NULL WHERE customer_id = ?",
        [customer_id],
    )


def attach(
    conn: sqlite3.Connection, basket_id: str, customer_id: str | None, card: str | None,
    at: datetime,
) -> None:  # fmt: skip
    conn.execute(
        "INSERT OR REPLACE INTO basket_customers (basket_id, customer_id, card, attached_at)"
        " VALUES (?, ?, ?, ?)",
        [basket_id, customer_id, card, at.isoformat()],
    )


def of_basket(conn: sqlite3.Connection, basket_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM basket_customers WHERE basket_id = ?", [basket_id]
    ).fetchone()
    return row


def record_sale(
    conn: sqlite3.Connection, receipt_no: str, customer_id: str | None, card: str | None,
    points: int, redeemed: int, balance: int | None, as_of: str | None,
) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO sale_loyalty (receipt_no, customer_id, card, points, redeemed, balance,"
        " balance_as_of) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [receipt_no, customer_id, card, points, redeemed, balance, as_of],
    )


def of_sale(conn: sqlite3.Connection, receipt_no: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM sale_loyalty WHERE receipt_no = ?", [receipt_no]
    ).fetchone()
    return row


def add_redemption(
    conn: sqlite3.Connection, basket_id: str, redemption_id: str, customer_id: str | None,
    card: str | None, points: int, value: int, offline: bool, at: datetime,
) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO basket_redemptions (basket_id, redemption_id, customer_id, card, points,"
        " value, offline, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [basket_id, redemption_id, customer_id, card, points, value, int(offline),
         at.isoformat()],
    )  # fmt: skip


def redemption_of(conn: sqlite3.Connection, basket_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM basket_redemptions WHERE basket_id = ?", [basket_id]
    ).fetchone()
    return row


def redeemed_offline_since(
    conn: sqlite3.Connection, customer_id: str | None, card: str | None, since: datetime
) -> int:
    """Points this store let the card (or customer) redeem offline since `since`."""
    row = conn.execute(
        "SELECT coalesce(sum(points), 0) FROM basket_redemptions WHERE offline = 1 AND at >= ?"
        " AND ((card IS NOT NULL AND card = ?) OR (customer_id IS NOT NULL AND customer_id = ?))",
        [since.isoformat(), card, customer_id],
    ).fetchone()
    return int(row[0])
