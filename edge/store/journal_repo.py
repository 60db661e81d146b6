"""The sales journal: completed sales found by time, register, amount or a text (receipt number
or card terminal reference), newest first, a page at a time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from edge.domain.tenders import Tender


@dataclass(frozen=True, slots=True)
class JournalEntry:
    receipt_no: str
    at: str
    register: str
    cashier: str
    total: int
    currency: str
    tenders: tuple[Tender, ...]


def find(
    conn: sqlite3.Connection,
    since: str | None,
    until: str | None,
    register: str | None,
    amount: int | None,
    text: str | None,
    limit: int,
    offset: int,
) -> tuple[list[JournalEntry], int]:
    """(one page of entries, how many match in all)."""
    where: list[str] = ["1 = 1"]
    params: list[str | int] = []
    for clause, value in (("s.at >= ?", since), ("s.at < ?", until), ("s.register = ?", register)):
        if value is not None:
            where.append(clause)
            params.append(value)
    wanted = []
    if amount is not None:
        wanted.append("s.total = ?")
        params.append(amount)
    if text:
        like = f"%{text.replace('%', '').replace('_', '')}%"
        wanted.append("s.receipt_no LIKE ? OR EXISTS (SELECT 1 FROM sale_tenders t WHERE"
                      " t.receipt_no = s.receipt_no AND t.reference LIKE ?)")  # fmt: skip
        params.extend([like, like])
    if wanted:
        where.append("(" + " OR ".join(f"({w})" for w in wanted) + ")")
    sql = " AND ".join(where)
    count = conn.execute(f"SELECT count(*) FROM sales s WHERE {sql}", params).fetchone()[0]
    rows = conn.execute(
        "SELECT s.receipt_no, s.at, s.register, s.cashier, s.total, s.currency FROM sales s"
        f" WHERE {sql} ORDER BY s.at DESC, s.receipt_no DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    tenders: dict[str, list[Tender]] = {}
    if rows:
        marks = ", ".join("?" for _ in rows)
        for t in conn.execute(
            "SELECT receipt_no, type, amount, reference FROM sale_tenders"
            f" WHERE receipt_no IN ({marks}) ORDER BY receipt_no, seq",
            [r["receipt_no"] for r in rows],
        ):
            tenders.setdefault(t[0], []).append(Tender(t[1], t[2], t[3]))
    entries = [
        JournalEntry(
            r["receipt_no"],
            r["at"],
            r["register"],
            r["cashier"],
            r["total"],
            r["currency"],
            tuple(tenders.get(r["receipt_no"], ())),
        )
        for r in rows
    ]
    return entries, int(count)
