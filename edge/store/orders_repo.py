"""Click & collect orders on disk: header and lines, written back whole."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from edge.domain import pricing
from edge.domain.pickups import Order, OrderLine


def _line(r: sqlite3.Row) -> OrderLine:
    terms = json.loads(r["promotion"]) if r["promotion"] else None
    return OrderLine(
        r["sku"], r["qty"], r["unit_price"], r["reserved"], r["collected"], r["short"],
        unit=r["unit"], promotion=pricing.from_terms(r["sku"], terms),
    )  # fmt: skip


def _order(conn: sqlite3.Connection, row: sqlite3.Row) -> Order:
    lines = tuple(
        _line(r)
        for r in conn.execute(
            "SELECT * FROM order_lines WHERE order_id = ? ORDER BY line_no", [row["order_id"]]
        )
    )
    return Order(
        order_id=row["order_id"],
        store_id=row["store_id"],
        status=row["status"],
        lines=lines,
        currency=row["currency"],
        customer=json.loads(row["customer"]),
        prepaid=bool(row["prepaid"]),
        pickup_code_hash=row["pickup_code_hash"],
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        request_id=row["request_id"],
        shelf=row["shelf"],
        code_attempts=row["code_attempts"],
        locked=bool(row["locked"]),
        receipt_no=row["receipt_no"],
        extra=json.loads(row["extra"]),
    )


def get(conn: sqlite3.Connection, order_id: str) -> Order | None:
    row = conn.execute("SELECT * FROM orders WHERE order_id = ?", [order_id]).fetchone()
    return _order(conn, row) if row else None


def insert(conn: sqlite3.Connection, order: Order, at: datetime) -> None:
    conn.execute(
        "INSERT INTO orders (order_id, request_id, store_id, status, currency, customer,"
        " customer_name, customer_phone, prepaid, pickup_code_hash, created_at, expires_at,"
        " extra, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            order.order_id,
            order.request_id,
            order.store_id,
            order.status,
            order.currency,
            json.dumps(dict(order.customer), ensure_ascii=False),
            str(order.customer.get("name", "")).casefold(),
            _digits(str(order.customer.get("phone") or "")),
            int(order.prepaid),
            order.pickup_code_hash,
            order.created_at.isoformat(),
            order.expires_at.isoformat(),
            json.dumps(dict(order.extra), ensure_ascii=False),
            at.isoformat(),
        ],
    )
    _write_lines(conn, order)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _write_lines(conn: sqlite3.Connection, order: Order) -> None:
    conn.execute("DELETE FROM order_lines WHERE order_id = ?", [order.order_id])
    conn.executemany(
        "INSERT INTO order_lines (order_id, line_no, sku, qty, unit_price, reserved, collected,"
        " short, unit, promotion) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [_line_row(order.order_id, i, ln) for i, ln in enumerate(order.lines, start=1)],
    )


def _line_row(order_id: str, line_no: int, ln: OrderLine) -> tuple[object, ...]:
    terms = pricing.terms(ln.promotion)
    return (
        order_id, line_no, ln.sku, ln.qty, ln.unit_price, ln.reserved, ln.collected, ln.short,
        ln.unit, json.dumps(terms) if terms else None,
    )  # fmt: skip


def save(conn: sqlite3.Connection, order: Order, at: datetime) -> None:
    conn.execute(
        "UPDATE orders SET status = ?, shelf = ?, code_attempts = ?, locked = ?, receipt_no = ?,"
        " extra = ?, updated_at = ? WHERE order_id = ?",
        [
            order.status,
            order.shelf,
            order.code_attempts,
            int(order.locked),
            order.receipt_no,
            json.dumps(dict(order.extra), ensure_ascii=False),
            at.isoformat(),
            order.order_id,
        ],
    )
    _write_lines(conn, order)


def search(
    conn: sqlite3.Connection, status: str | None = None, q: str | None = None, limit: int = 100
) -> list[Order]:
    """Orders by status and/or what the cashier typed: an order number, a name, a phone."""
    where, params = [], []
    if status:
        where.append("status = ?")
        params.append(status)
    if q:
        text = q.strip()
        digits = _digits(text)
        cond = ["order_id = ?", "customer_name LIKE ?"]
        params += [text, f"%{text.casefold()}%"]
        if len(digits) >= 3:
            cond.append("customer_phone LIKE ?")
            params.append(f"%{digits}")
        where.append("(" + " OR ".join(cond) + ")")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = conn.execute(
        f"SELECT * FROM orders {clause} ORDER BY created_at DESC LIMIT ?", [*params, limit]
    ).fetchall()
    return [_order(conn, r) for r in rows]


def due_for_expiry(conn: sqlite3.Connection, now: datetime, limit: int = 100) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT order_id FROM orders WHERE status IN ('received', 'picking', 'ready')"
            " AND expires_at <= ? ORDER BY expires_at LIMIT ?",
            [now.isoformat(), limit],
        )
    ]


def insert_request(
    conn: sqlite3.Connection,
    request_id: str,
    lines: list[dict[str, object]],
    customer: dict[str, str],
    at: datetime,
    *,
    kiosk: str,
    contact: str,
) -> None:
    # pickup_code_hash stays empty: the hub makes the code (edge migration 12).
    conn.execute(
        "INSERT INTO order_requests (request_id, lines, customer, pickup_code_hash, created_at,"
        " kiosk, contact) VALUES (?, ?, ?, '', ?, ?, ?)",
        [request_id, json.dumps(lines), json.dumps(customer), at.isoformat(), kiosk, contact],
    )


def recent_requests(
    conn: sqlite3.Connection, *, kiosk: str | None = None, contact: str | None = None,
    since: datetime, limit: int,
) -> list[datetime]:  # fmt: skip
    """When the newest `limit` requests from this kiosk (or this contact) since `since` came."""
    column, value = ("kiosk", kiosk) if kiosk is not None else ("contact", contact)
    rows = conn.execute(
        f"SELECT created_at FROM order_requests WHERE {column} = ? AND created_at >= ?"
        " ORDER BY created_at DESC LIMIT ?",
        [value, since.isoformat(), limit],
    )
    return [datetime.fromisoformat(r[0]) for r in rows]


def find_request(conn: sqlite3.Connection, number: str) -> sqlite3.Row | None:
    """A kiosk request by its id or the first characters of it (as printed on the slip)."""
    prefix = number.lower()
    row: sqlite3.Row | None = conn.execute(
        "SELECT request_id, status, reason, detail, order_id, pickup_code FROM order_requests"
        " WHERE substr(request_id, 1, ?) = ? ORDER BY created_at DESC LIMIT 1",
        [len(prefix), prefix],
    ).fetchone()
    return row


def confirm_request(
    conn: sqlite3.Connection, request_id: str, order_id: str, pickup_code: str | None
) -> bool:
    cur = conn.execute(
        "UPDATE order_requests SET status = 'confirmed', order_id = ?, pickup_code = ?"
        " WHERE request_id = ?",
        [order_id, pickup_code, request_id],
    )
    return cur.rowcount > 0


def refuse_request(conn: sqlite3.Connection, request_id: str, reason: str, detail: str) -> bool:
    cur = conn.execute(
        "UPDATE order_requests SET status = 'refused', reason = ?, detail = ?"
        " WHERE request_id = ? AND status = 'requested'",
        [reason, detail, request_id],
    )
    return cur.rowcount > 0


def has_request(conn: sqlite3.Connection, request_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM order_requests WHERE request_id = ?", [request_id])
    return row.fetchone() is not None


def forget_code(conn: sqlite3.Connection, request_id: str) -> None:
    """The order ended: nobody needs to read its pickup code at the kiosk any more."""
    conn.execute("UPDATE order_requests SET pickup_code = NULL WHERE request_id = ?", [request_id])
