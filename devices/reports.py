"""X and Z report totals for a register since its last Z report."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any


def last_z(conn: sqlite3.Connection, register: str) -> tuple[int, str | None]:
    row = conn.execute(
        "SELECT number, at FROM z_reports WHERE register = ? ORDER BY number DESC LIMIT 1",
        [register],
    ).fetchone()
    return (row[0], row[1]) if row else (0, None)


def totals(conn: sqlite3.Connection, register: str, now: datetime, currency: str) -> dict[str, Any]:
    _, since = last_z(conn, register)
    since = since or "0000"
    until = now.isoformat()
    rows = conn.execute(
        "SELECT receipt_no, total, discount, change, vat FROM sales"
        " WHERE register = ? AND at > ? AND at <= ?",
        [register, since, until],
    ).fetchall()
    vat: dict[str, list[int]] = {}
    for r in rows:
        for letter, gross, tax in json.loads(r["vat"]):
            acc = vat.setdefault(letter, [0, 0])
            acc[0] += gross
            acc[1] += tax
    tenders: dict[str, int] = {}
    for t in conn.execute(
        "SELECT t.type, SUM(t.amount) FROM sale_tenders t JOIN sales s USING (receipt_no)"
        " WHERE s.register = ? AND s.at > ? AND s.at <= ? GROUP BY t.type",
        [register, since, until],
    ):
        tenders[t[0]] = t[1]
    change = sum(r["change"] for r in rows)
    if "cash" in tenders:
        tenders["cash"] -= change  # the report shows what stayed in the drawer
    refunds = _refunds(conn, register, since, until)
    moved = dict(
        conn.execute(
            "SELECT kind, sum(amount) FROM cash_movements WHERE register = ? AND at > ?"
            " AND at <= ? GROUP BY kind",
            [register, since, until],
        ).fetchall()
    )
    cash_in, cash_out = moved.get("in", 0), moved.get("out", 0)
    cash = tenders.get("cash", 0) - refunds["tenders"].get("cash", 0) + cash_in - cash_out
    return {
        "register": register,
        "currency": currency,
        "from": since if since != "0000" else "",
        "to": until,
        "sales": len(rows),
        "total": sum(r["total"] for r in rows),
        "discount": sum(r["discount"] for r in rows),
        "vat": [{"rate": k, "gross": v[0], "vat": v[1]} for k, v in sorted(vat.items())],
        "tenders": tenders,
        "returns": refunds["count"],
        "refunded": refunds["total"],
        "refund_tenders": refunds["tenders"],
        "cash_in": cash_in,
        "cash_out": cash_out,
        "cash": cash,
    }


def _refunds(conn: sqlite3.Connection, register: str, since: str, until: str) -> dict[str, Any]:
    """Returns taken at this register in the period: what was paid back, and how."""
    tenders: dict[str, int] = {}
    count = total = 0
    for refund_total, paid in conn.execute(
        "SELECT refund_total, tenders FROM returns WHERE register = ? AND at > ? AND at <= ?",
        [register, since, until],
    ):
        count += 1
        total += refund_total
        for kind, amount, _reference in json.loads(paid):
            tenders[kind] = tenders.get(kind, 0) + amount
    return {"count": count, "total": total, "tenders": tenders}


def record_z(conn: sqlite3.Connection, register: str, now: datetime, data: dict[str, Any]) -> int:
    number = last_z(conn, register)[0] + 1
    conn.execute(
        "INSERT INTO z_reports (register, number, at, totals) VALUES (?, ?, ?, ?)",
        [register, number, now.isoformat(), json.dumps(data)],
    )
    return number
