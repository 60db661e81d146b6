"""Completed sales: header, lines, tenders. Receipt numbers are gapless per register."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from edge.domain.money import Money
from edge.domain.sale import Sale, SaleLine
from edge.domain.tenders import Tender
from edge.domain.vat import VatLine, VatRate


def next_receipt_no(conn: sqlite3.Connection, store_id: str, register: str) -> str:
    """Takes the register's next number inside the caller's transaction: a rolled-back checkout
    gives its number back, so the sequence has no gaps."""
    n = conn.execute(
        "INSERT INTO registers (register, last_receipt) VALUES (?, 1)"
        " ON CONFLICT (register) DO UPDATE SET last_receipt = last_receipt + 1"
        " RETURNING last_receipt",
        [register],
    ).fetchone()[0]
    return f"{store_id}-{register}-{n:06d}"


def insert(conn: sqlite3.Connection, sale: Sale) -> None:
    conn.execute(
        "INSERT INTO sales (receipt_no, store_id, register, basket_id, cashier, at, currency,"
        " subtotal, discount, total, change, vat) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            sale.receipt_no,
            sale.store_id,
            sale.register,
            sale.basket_id or None,
            sale.cashier,
            sale.at.isoformat(),
            sale.currency,
            sale.subtotal,
            sale.discount,
            sale.total,
            sale.change,
            json.dumps([[v.rate.letter, v.gross.amount, v.vat.amount] for v in sale.vat]),
        ],
    )
    conn.executemany(
        "INSERT INTO sale_lines (receipt_no, line_no, sku, name, unit, vat, qty, unit_price,"
        " gross, discount, total, promotion) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                sale.receipt_no,
                ln.line_no,
                ln.sku,
                ln.name,
                ln.unit,
                ln.vat.letter,
                ln.qty,
                ln.unit_price,
                ln.gross,
                ln.discount,
                ln.total,
                ln.promotion,
            )
            for ln in sale.lines
        ],
    )
    conn.executemany(
        "INSERT INTO sale_tenders (receipt_no, seq, type, amount, reference)"
        " VALUES (?, ?, ?, ?, ?)",
        [
            (sale.receipt_no, i, t.type, t.amount, t.reference)
            for i, t in enumerate(sale.tenders, start=1)
        ],
    )


def get(conn: sqlite3.Connection, receipt_no: str) -> Sale | None:
    row = conn.execute("SELECT * FROM sales WHERE receipt_no = ?", [receipt_no]).fetchone()
    if row is None:
        return None
    lines = tuple(
        SaleLine(
            line_no=r["line_no"],
            sku=r["sku"],
            name=r["name"],
            unit=r["unit"],
            vat=VatRate[r["vat"]],
            qty=r["qty"],
            unit_price=r["unit_price"],
            gross=r["gross"],
            discount=r["discount"],
            total=r["total"],
            promotion=r["promotion"],
        )
        for r in conn.execute(
            "SELECT * FROM sale_lines WHERE receipt_no = ? ORDER BY line_no", [receipt_no]
        )
    )
    tenders = tuple(
        Tender(r["type"], r["amount"], r["reference"])
        for r in conn.execute(
            "SELECT * FROM sale_tenders WHERE receipt_no = ? ORDER BY seq", [receipt_no]
        )
    )
    currency = row["currency"]
    vat = tuple(
        VatLine(VatRate[rate], Money(gross, currency), Money(v, currency))
        for rate, gross, v in json.loads(row["vat"])
    )
    return Sale(
        receipt_no=row["receipt_no"],
        store_id=row["store_id"],
        register=row["register"],
        cashier=row["cashier"],
        at=datetime.fromisoformat(row["at"]),
        currency=currency,
        lines=lines,
        tenders=tenders,
        change=row["change"],
        vat=vat,
        basket_id=row["basket_id"] or "",
    )


def recent(
    conn: sqlite3.Connection, register: str | None = None, limit: int = 20
) -> list[sqlite3.Row]:
    where, params = ("WHERE register = ?", [register]) if register else ("", [])
    return conn.execute(
        f"SELECT receipt_no, register, cashier, at, total, currency FROM sales {where}"
        " ORDER BY at DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
