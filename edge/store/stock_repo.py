"""The stock ledger on disk: each movement is appended and its level updated in the same
transaction, so a level always equals the sum of its movements."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from edge.domain.stock import Level, Movement


def record(
    conn: sqlite3.Connection, movements: Iterable[Movement], ref: str, at: datetime
) -> list[Level]:
    """Appends movements and returns the resulting levels (one per SKU, last one wins)."""
    stamp = at.isoformat()
    levels: dict[str, Level] = {}
    for m in movements:
        d_on_hand, d_reserved = m.deltas()
        conn.execute(
            "INSERT INTO stock_movements (sku, kind, qty, d_on_hand, d_reserved, ref, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [m.sku, m.kind.value, m.qty, d_on_hand, d_reserved, ref, stamp],
        )
        on_hand, reserved = conn.execute(
            "INSERT INTO stock_levels (sku, on_hand, reserved, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand,"
            " reserved = reserved + excluded.reserved, updated_at = excluded.updated_at"
            " RETURNING on_hand, reserved",
            [m.sku, d_on_hand, d_reserved, stamp],
        ).fetchone()
        levels[m.sku] = Level(m.sku, on_hand, reserved)
    return list(levels.values())


def level(conn: sqlite3.Connection, sku: str) -> Level:
    row = conn.execute("SELECT on_hand, reserved FROM stock_levels WHERE sku = ?", [sku]).fetchone()
    return Level(sku, row[0], row[1]) if row else Level(sku)


def levels(conn: sqlite3.Connection, skus: Iterable[str]) -> dict[str, Level]:
    wanted = list(dict.fromkeys(skus))
    out = {s: Level(s) for s in wanted}
    if wanted:
        marks = ",".join("?" * len(wanted))
        for sku, on_hand, reserved in conn.execute(
            f"SELECT sku, on_hand, reserved FROM stock_levels WHERE sku IN ({marks})", wanted
        ):
            out[sku] = Level(sku, on_hand, reserved)
    return out


def ledger_sum(conn: sqlite3.Connection, sku: str) -> Level:
    """The level recomputed from the movements (for audits and tests)."""
    row = conn.execute(
        "SELECT coalesce(sum(d_on_hand), 0), coalesce(sum(d_reserved), 0) FROM stock_movements"
        " WHERE sku = ?",
        [sku],
    ).fetchone()
    return Level(sku, row[0], row[1])


def negative(conn: sqlite3.Connection, limit: int = 100) -> list[Level]:
    """SKUs whose book stock went below zero: to be counted."""
    return [
        Level(r[0], r[1], r[2])
        for r in conn.execute(
            "SELECT sku, on_hand, reserved FROM stock_levels"
            " WHERE on_hand < 0 ORDER BY sku LIMIT ?",
            [limit],
        )
    ]


def nearby(conn: sqlite3.Connection, sku: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT n.store_id, coalesce(s.name, '') AS name, s.distance_km, n.on_hand, n.reserved,"
        " n.as_of FROM nearby_stock n LEFT JOIN nearby_stores s ON s.store_id = n.store_id"
        " WHERE n.sku = ? ORDER BY s.distance_km IS NULL, s.distance_km, n.store_id",
        [sku],
    ).fetchall()
