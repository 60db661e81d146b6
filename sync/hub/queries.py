"""What the hub's HTTP API reads: network availability, stores, receipts, returns, and every
product as wire records for a snapshot."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from edge.domain.errors import NotFound
from edge.store import catalogue_repo


def availability(conn: sqlite3.Connection, sku: str) -> dict[str, Any]:
    if catalogue_repo.get(conn, sku) is None:
        raise NotFound(f"no product with SKU {sku}")
    rows = conn.execute(
        "SELECT store_id, on_hand, reserved, as_of FROM hub_stock WHERE sku = ? ORDER BY store_id",
        [sku],
    ).fetchall()
    return {
        "sku": sku,
        "stores": [{**dict(r), "available": max(0, r["on_hand"] - r["reserved"])} for r in rows],
    }


def stores(conn: sqlite3.Connection, name_of: Callable[[sqlite3.Row], str]) -> list[dict[str, Any]]:
    rows = conn.execute("SELECT * FROM hub_stores ORDER BY store_id").fetchall()
    pending = dict(
        conn.execute(
            "SELECT store_id, count(*) FROM hub_commands WHERE status = 'pending' GROUP BY store_id"
        ).fetchall()
    )
    out = []
    for r in rows:
        lag = None
        if r["last_event_at"] and r["last_applied_at"]:
            # How long the newest applied event took from the store's till to the hub.
            lag = (
                datetime.fromisoformat(r["last_applied_at"])
                - datetime.fromisoformat(r["last_event_at"])
            ).total_seconds()
        out.append(
            {
                "store_id": r["store_id"],
                "name": name_of(r),
                "online": bool(r["online"]),
                "last_seen": r["last_seen"],
                "applied_seq": r["applied_seq"],
                "lag_s": round(lag, 3) if lag is not None else None,
                "outbox_depth": r["reported_depth"],
                "catalogue_version": r["catalogue_version"],
                "pending_commands": pending.get(r["store_id"], 0),
            }
        )
    return out


def receipt(conn: sqlite3.Connection, receipt_no: str) -> dict[str, Any]:
    sale = conn.execute("SELECT * FROM hub_sales WHERE receipt_no = ?", [receipt_no]).fetchone()
    if sale is None:
        raise NotFound(f"no receipt {receipt_no}")
    lines = conn.execute(
        "SELECT line_no, sku, qty, unit_price, total, vat, returned FROM hub_sale_lines"
        " WHERE receipt_no = ? ORDER BY line_no",
        [receipt_no],
    ).fetchall()
    return {
        "receipt_no": receipt_no,
        "store_id": sale["store_id"],
        "at": sale["at"],
        "currency": sale["currency"],
        "total": sale["total"],
        "lines": [dict(ln) for ln in lines],
        "tenders": json.loads(sale["tenders"]),
    }


def returns(conn: sqlite3.Connection, flagged: bool | None = None) -> list[dict[str, Any]]:
    want = None if flagged is None else int(flagged)
    rows = conn.execute(
        "SELECT return_id, store_id, at, original_kind, original_ref, offline, flagged,"
        " flag_reason FROM hub_returns WHERE (? IS NULL OR flagged = ?) ORDER BY at",
        [want, want],
    ).fetchall()
    return [{**dict(r), "offline": bool(r["offline"]), "flagged": bool(r["flagged"])} for r in rows]


def all_product_records(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every product as a wire record in one pass (a snapshot of 100 000 products must not take
    200 000 queries)."""
    rows = conn.execute(
        "SELECT p.sku, p.name_pl, p.name_en, p.desc_pl, p.desc_en, p.category, p.price,"
        " p.currency, p.vat, p.unit, p.image, p.active,"
        " (SELECT group_concat(code, ' ') FROM barcodes b WHERE b.sku = p.sku) AS codes"
        " FROM products p ORDER BY p.sku"
    )
    return [
        {
            "sku": r["sku"],
            "name_pl": r["name_pl"],
            "name_en": r["name_en"],
            "desc_pl": r["desc_pl"],
            "desc_en": r["desc_en"],
            "category": r["category"],
            "price_minor": r["price"],
            "currency": r["currency"],
            "vat": r["vat"],
            "unit": r["unit"],
            "barcodes": sorted(r["codes"].split()) if r["codes"] else [],
            "image": r["image"],
            "active": bool(r["active"]),
        }
        for r in rows
    ]
