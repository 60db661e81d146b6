"""Shifts, Z report numbers, and the figures of a register's period read from the sales,
returns and cash tables (the rules that add them up are edge.domain.shifts')."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from edge.domain.shifts import RefundFigures, Shift, SoldFigures


def _shift(row: sqlite3.Row) -> Shift:
    closed = row["closed_at"]
    return Shift(
        id=row["id"],
        register=row["register"],
        opened_by=row["opened_by"],
        opened_at=datetime.fromisoformat(row["opened_at"]),
        float=row["float"],
        closed_by=row["closed_by"],
        closed_at=datetime.fromisoformat(closed) if closed else None,
        expected=row["expected"],
        counted=row["counted"],
    )


def open_shift(
    conn: sqlite3.Connection, register: str, by: str, at: datetime, float_: int
) -> Shift:
    row = conn.execute(
        "INSERT INTO shifts (register, opened_by, opened_at, float) VALUES (?, ?, ?, ?)"
        " RETURNING *",
        [register, by, at.isoformat(), float_],
    ).fetchone()
    return _shift(row)


def current(conn: sqlite3.Connection, register: str) -> Shift | None:
    row = conn.execute(
        "SELECT * FROM shifts WHERE register = ? AND closed_at IS NULL", [register]
    ).fetchone()
    return _shift(row) if row else None


def close(
    conn: sqlite3.Connection,
    shift_id: int,
    by: str,
    at: datetime,
    expected: int,
    counted: int,
    summary: dict[str, Any],
) -> Shift:
    row = conn.execute(
        "UPDATE shifts SET closed_by = ?, closed_at = ?, expected = ?, counted = ?,"
        " difference = ?, summary = ? WHERE id = ? AND closed_at IS NULL RETURNING *",
        [by, at.isoformat(), expected, counted, counted - expected, json.dumps(summary),
         shift_id],
    ).fetchone()  # fmt: skip
    return _shift(row)


def floats(conn: sqlite3.Connection, register: str, since: str, until: str) -> int:
    """The floats of the shifts opened at the register in the period."""
    row = conn.execute(
        "SELECT coalesce(sum(float), 0) FROM shifts WHERE register = ? AND opened_at > ?"
        " AND opened_at <= ?",
        [register, since, until],
    ).fetchone()
    return int(row[0])


def last_z(conn: sqlite3.Connection, register: str) -> tuple[int, str | None]:
    row = conn.execute(
        "SELECT number, at FROM z_reports WHERE register = ? ORDER BY number DESC LIMIT 1",
        [register],
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def record_z(conn: sqlite3.Connection, register: str, at: datetime, totals: dict[str, Any]) -> int:
    number = last_z(conn, register)[0] + 1
    conn.execute(
        "INSERT INTO z_reports (register, number, at, totals) VALUES (?, ?, ?, ?)",
        [register, number, at.isoformat(), json.dumps(totals)],
    )
    return number


def sold(conn: sqlite3.Connection, register: str, since: str, until: str) -> list[SoldFigures]:
    tenders: dict[str, list[tuple[str, int]]] = {}
    for t in conn.execute(
        "SELECT t.receipt_no, t.type, t.amount FROM sale_tenders t JOIN sales s USING"
        " (receipt_no) WHERE s.register = ? AND s.at > ? AND s.at <= ?",
        [register, since, until],
    ):
        tenders.setdefault(t[0], []).append((t[1], t[2]))
    return [
        SoldFigures(
            r["total"],
            r["discount"],
            r["change"],
            tuple((str(v[0]), int(v[1]), int(v[2])) for v in json.loads(r["vat"])),
            tuple(tenders.get(r["receipt_no"], ())),
        )
        for r in conn.execute(
            "SELECT receipt_no, total, discount, change, vat FROM sales"
            " WHERE register = ? AND at > ? AND at <= ?",
            [register, since, until],
        )
    ]


def refunded(
    conn: sqlite3.Connection, register: str, since: str, until: str
) -> list[RefundFigures]:
    return [
        RefundFigures(total, tuple((str(k), int(a)) for k, a, _ref in json.loads(paid)))
        for total, paid in conn.execute(
            "SELECT refund_total, tenders FROM returns WHERE register = ? AND at > ? AND at <= ?",
            [register, since, until],
        )
    ]


def cash_moved(conn: sqlite3.Connection, register: str, since: str, until: str) -> tuple[int, int]:
    moved = dict(
        conn.execute(
            "SELECT kind, sum(amount) FROM cash_movements WHERE register = ? AND at > ?"
            " AND at <= ? GROUP BY kind",
            [register, since, until],
        ).fetchall()
    )
    return int(moved.get("in", 0)), int(moved.get("out", 0))
