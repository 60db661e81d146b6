"""Open baskets live on disk, so a register that restarts finds its basket again."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from edge.domain.approvals import Approval
from edge.domain.basket import Basket, BasketLine
from edge.domain.vat import VatRate

_LINE_COLS = (
    "line_id, sku, name, unit, vat, unit_price, qty, code, fixed_total, price_override,"
    " discount_percent, discount_amount, approved_by, batch, expiry, approval"
)


def _approval(text: str | None) -> Approval | None:
    if not text:
        return None
    a = json.loads(text)
    return Approval(a["by"], a["action"], a["amount"], a["base"])


def _approval_json(approval: Approval | None) -> str | None:
    if approval is None:
        return None
    a = approval
    return json.dumps({"by": a.by, "action": a.action, "amount": a.amount, "base": a.base})


def _line(row: sqlite3.Row) -> BasketLine:
    # Unpacked by position (the order of _LINE_COLS): a basket is read at every scan and at
    # checkout, and lookups by column name cost a good part of that.
    (line_id, sku, name, unit, vat, unit_price, qty, code, fixed_total, price_override,
     discount_percent, discount_amount, _approved_by, batch, expiry, approval) = row  # fmt: skip
    return BasketLine(
        line_id=line_id,
        sku=sku,
        name=name,
        unit=unit,
        vat=VatRate[vat],
        unit_price=unit_price,
        qty=qty,
        code=code,
        fixed_total=fixed_total,
        price_override=price_override,
        discount_percent=discount_percent,
        discount_amount=discount_amount,
        approval=_approval(approval),
        batch=batch,
        expiry=date.fromisoformat(expiry) if expiry else None,
    )


def get(conn: sqlite3.Connection, basket_id: str) -> Basket | None:
    row = conn.execute("SELECT * FROM baskets WHERE id = ?", [basket_id]).fetchone()
    if row is None:
        return None
    lines = [
        _line(r)
        for r in conn.execute(
            f"SELECT {_LINE_COLS} FROM basket_lines WHERE basket_id = ? ORDER BY line_id",
            [basket_id],
        )
    ]
    return Basket(
        id=row["id"],
        register=row["register"],
        currency=row["currency"],
        status=row["status"],
        lines=lines,
        discount_percent=row["discount_percent"],
        discount_amount=row["discount_amount"],
        approval=_approval(row["approval"]),
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def latest_open(conn: sqlite3.Connection, register: str) -> str | None:
    """The id of the register's most recently changed open basket, if any with lines."""
    row = conn.execute(
        "SELECT b.id FROM baskets b WHERE b.register = ? AND b.status = 'open'"
        " AND EXISTS (SELECT 1 FROM basket_lines l WHERE l.basket_id = b.id)"
        " ORDER BY b.updated_at DESC LIMIT 1",
        [register],
    ).fetchone()
    return str(row[0]) if row else None


def create(conn: sqlite3.Connection, basket: Basket, at: datetime) -> None:
    conn.execute(
        "INSERT INTO baskets (id, register, status, currency, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            basket.id,
            basket.register,
            basket.status,
            basket.currency,
            basket.created_by,
            at.isoformat(),
            at.isoformat(),
        ],
    )


def mark_checked_out(
    conn: sqlite3.Connection, basket_id: str, receipt_no: str, at: datetime
) -> None:
    """Closes a paid basket; its lines are already on disk as they were priced."""
    conn.execute(
        "UPDATE baskets SET status = 'checked_out', updated_at = ?, receipt_no = ? WHERE id = ?",
        [at.isoformat(), receipt_no, basket_id],
    )


LineRows = dict[int, tuple[object, ...]]


def line_rows(basket: Basket) -> LineRows:
    """The basket's lines as the rows `save` writes, keyed by line id: taken when a basket is
    loaded, they tell `save` which rows a change touched."""
    return {
        ln.line_id: (
            basket.id,
            ln.line_id,
            ln.sku,
            ln.name,
            ln.unit,
            ln.vat.letter,
            ln.unit_price,
            ln.qty,
            ln.code,
            ln.fixed_total,
            ln.price_override,
            ln.discount_percent,
            ln.discount_amount,
            ln.approved_by,
            ln.batch,
            ln.expiry.isoformat() if ln.expiry else None,
            _approval_json(ln.approval),
        )
        for ln in basket.lines
    }


def save(
    conn: sqlite3.Connection, basket: Basket, at: datetime, before: LineRows | None = None
) -> None:
    """Writes the basket back. With `before` (its rows as loaded) only the lines that changed
    are written: a scan adds one row instead of rewriting the basket, so the write of a scan
    does not grow with the basket. Without it, every line is rewritten."""
    conn.execute(
        "UPDATE baskets SET status = ?, discount_percent = ?, discount_amount = ?, approval = ?,"
        " updated_at = ? WHERE id = ?",
        [
            basket.status,
            basket.discount_percent,
            basket.discount_amount,
            _approval_json(basket.approval),
            at.isoformat(),
            basket.id,
        ],
    )
    now = line_rows(basket)
    if before is None:
        conn.execute("DELETE FROM basket_lines WHERE basket_id = ?", [basket.id])
        before = {}
    gone = [(basket.id, line_id) for line_id in before.keys() - now.keys()]
    if gone:
        conn.executemany("DELETE FROM basket_lines WHERE basket_id = ? AND line_id = ?", gone)
    changed = [row for line_id, row in now.items() if before.get(line_id) != row]
    if changed:
        conn.executemany(
            f"INSERT OR REPLACE INTO basket_lines (basket_id, {_LINE_COLS})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            changed,
        )
