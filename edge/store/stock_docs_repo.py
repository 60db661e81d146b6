"""Stock documents on disk (write-offs, counts, deliveries, transfers) and their lines."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any


def insert(
    conn: sqlite3.Connection,
    doc_id: str,
    kind: str,
    status: str,
    *,
    staff: str,
    at: datetime,
    reference: str = "",
    other_store: str | None = None,
    reason: str | None = None,
    scope: str | None = None,
    ledger_mark: int | None = None,
    approved_by: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO stock_docs (id, kind, status, reference, other_store, reason, scope,"
        " ledger_mark, staff, approved_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [doc_id, kind, status, reference, other_store, reason, scope, ledger_mark, staff,
         approved_by, at.isoformat()],
    )  # fmt: skip


def set_lines(conn: sqlite3.Connection, doc_id: str, lines: Iterable[tuple[str, int, int]]) -> None:
    """(sku, expected, qty) of each line, replacing what the line held."""
    conn.executemany(
        "INSERT INTO stock_doc_lines (doc_id, sku, expected, qty) VALUES (?,?,?,?)"
        " ON CONFLICT (doc_id, sku) DO UPDATE SET expected = excluded.expected, qty = excluded.qty",
        [(doc_id, sku, expected, qty) for sku, expected, qty in lines],
    )


def add_qty(conn: sqlite3.Connection, doc_id: str, sku: str, qty: int) -> int:
    """Adds to a line's quantity (a scan); returns the line's new quantity."""
    total: int = conn.execute(
        "INSERT INTO stock_doc_lines (doc_id, sku, qty) VALUES (?,?,?) ON CONFLICT (doc_id, sku)"
        " DO UPDATE SET qty = qty + excluded.qty RETURNING qty",
        [doc_id, sku, qty],
    ).fetchone()[0]
    return total


def close(conn: sqlite3.Connection, doc_id: str, status: str, at: datetime | None) -> None:
    conn.execute(
        "UPDATE stock_docs SET status = ?, closed_at = ? WHERE id = ?",
        [status, at.isoformat() if at else None, doc_id],
    )


def get(conn: sqlite3.Connection, doc_id: str, kind: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM stock_docs WHERE id = ? AND kind = ?", [doc_id, kind]
    ).fetchone()
    return row


def kind_of(conn: sqlite3.Connection, doc_id: str) -> str | None:
    row = conn.execute("SELECT kind FROM stock_docs WHERE id = ?", [doc_id]).fetchone()
    return None if row is None else str(row[0])


def lines(conn: sqlite3.Connection, doc_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT sku, expected, qty FROM stock_doc_lines WHERE doc_id = ? ORDER BY sku", [doc_id]
    ).fetchall()


def listing(conn: sqlite3.Connection, kind: str, statuses: Iterable[str]) -> list[sqlite3.Row]:
    wanted = list(statuses)
    return conn.execute(
        f"SELECT * FROM stock_docs WHERE kind = ? AND status IN ({','.join('?' * len(wanted))})"
        " ORDER BY created_at, id",
        [kind, *wanted],
    ).fetchall()


def view(conn: sqlite3.Connection, row: sqlite3.Row, *, book: bool = True) -> dict[str, Any]:
    """The document as the API shows it; `book=False` leaves out the expected quantities (a blind
    count while it is open)."""
    out = dict(row)
    out.pop("ledger_mark", None)
    out["lines"] = [
        {"sku": ln["sku"], "qty": ln["qty"], **({"expected": ln["expected"]} if book else {})}
        for ln in lines(conn, row["id"])
    ]
    return out


def ledger_mark(conn: sqlite3.Connection) -> int:
    """The newest stock movement's id: a count's book stock is taken as of it."""
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM stock_movements").fetchone()[0])


def moved_since(conn: sqlite3.Connection, mark: int) -> dict[str, int]:
    """sku → on-hand change of every movement after `mark`."""
    return {
        r[0]: int(r[1])
        for r in conn.execute(
            "SELECT sku, sum(d_on_hand) FROM stock_movements WHERE id > ? GROUP BY sku", [mark]
        )
    }


def book_now(
    conn: sqlite3.Connection, count_id: str, scope: str
) -> tuple[dict[str, int], set[str]]:
    """Today's on-hand stock of every SKU a count touches (counted, or with stock in its scope:
    'full', 'category:<id>'; a shelf's are only the ones scanned), and the SKUs of its scope.
    Joins, not a list of SKUs: a whole store's count has more than a statement takes."""
    counted = {
        r[0]: int(r[1])
        for r in conn.execute(
            "SELECT d.sku, coalesce(l.on_hand, 0) FROM stock_doc_lines d"
            " LEFT JOIN stock_levels l ON l.sku = d.sku WHERE d.doc_id = ?",
            [count_id],
        )
    }
    if scope.startswith("shelf:"):
        return counted, set()
    if scope == "full":
        rows = conn.execute("SELECT sku, on_hand FROM stock_levels")
    else:
        rows = conn.execute(
            "SELECT l.sku, l.on_hand FROM stock_levels l JOIN products p ON p.sku = l.sku"
            " WHERE p.category = ?",
            [scope.removeprefix("category:")],
        )
    in_scope = {r[0]: int(r[1]) for r in rows}
    return counted | in_scope, set(in_scope)
