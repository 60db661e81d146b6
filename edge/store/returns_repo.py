"""Returns on disk, and what has already come back of an original purchase."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from edge.domain.returns import Original, ReturnLine
from edge.domain.tenders import Tender


def insert(
    conn: sqlite3.Connection,
    return_id: str,
    original: Original,
    lines: Sequence[ReturnLine],
    tenders: Sequence[Tender],
    *,
    register: str,
    cashier: str,
    approved_by: str | None,
    exchange_receipt_no: str | None,
    at: datetime,
) -> None:
    conn.execute(
        "INSERT INTO returns (return_id, original_kind, original_ref, original_store, offline,"
        " currency, refund_total, tenders, exchange_receipt_no, register, cashier, approved_by,"
        " at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            return_id,
            original.kind,
            original.ref,
            original.store_id,
            int(original.offline),
            original.currency,
            sum(ln.refund for ln in lines),
            json.dumps([[t.type, t.amount, t.reference] for t in tenders]),
            exchange_receipt_no,
            register,
            cashier,
            approved_by,
            at.isoformat(),
        ],
    )
    conn.executemany(
        "INSERT INTO return_lines (return_id, line_no, sku, qty, unit_price, refund, reason,"
        " disposition) VALUES (?,?,?,?,?,?,?,?)",
        [
            (return_id, i, ln.sku, ln.qty, ln.unit_price, ln.refund, ln.reason, ln.disposition)
            for i, ln in enumerate(lines, start=1)
        ],
    )


def returned_qty(conn: sqlite3.Connection, kind: str, ref: str) -> dict[str, int]:
    """sku → quantity already returned at this store against this original."""
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT l.sku, sum(l.qty) FROM return_lines l JOIN returns r USING (return_id)"
            " WHERE r.original_kind = ? AND r.original_ref = ? GROUP BY l.sku",
            [kind, ref],
        )
    }


def card_refunded(conn: sqlite3.Connection, kind: str, ref: str) -> int:
    total = 0
    for (tenders,) in conn.execute(
        "SELECT tenders FROM returns WHERE original_kind = ? AND original_ref = ?", [kind, ref]
    ):
        total += sum(amount for typ, amount, _ in json.loads(tenders) if typ == "card")
    return total


def get(conn: sqlite3.Connection, return_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT * FROM returns WHERE return_id = ?", [return_id]).fetchone()
    if row is None:
        return None
    lines = [
        dict(r)
        for r in conn.execute(
            "SELECT sku, qty, unit_price, refund, reason, disposition FROM return_lines"
            " WHERE return_id = ? ORDER BY line_no",
            [return_id],
        )
    ]
    out = dict(row)
    out["offline"] = bool(out["offline"])
    out["tenders"] = [
        {"type": t, "amount": a, "reference": ref} for t, a, ref in json.loads(row["tenders"])
    ]
    out["lines"] = lines
    return out


def trusted_key(conn: sqlite3.Connection, key_id: str) -> str | None:
    row = conn.execute("SELECT pem FROM trusted_keys WHERE key_id = ?", [key_id]).fetchone()
    return row[0] if row else None


def put_trusted_key(conn: sqlite3.Connection, key_id: str, pem: str) -> None:
    conn.execute(
        "INSERT INTO trusted_keys (key_id, pem) VALUES (?, ?)"
        " ON CONFLICT (key_id) DO UPDATE SET pem = excluded.pem",
        [key_id, pem],
    )
