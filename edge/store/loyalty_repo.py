"""Loyalty earning rules at the node (from the hub's catalogue messages or a local import)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from edge.domain.loyalty import EarningRule
from edge.loyalty_files import rule_of


def upsert_rules(conn: sqlite3.Connection, rules: Iterable[EarningRule]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO loyalty_rules (id, points_per_zl, multiplier, sku, category,"
        " starts, ends) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (r.id, r.points_per_zl, r.multiplier, r.sku, r.category,
             r.starts.isoformat() if r.starts else None, r.ends.isoformat() if r.ends else None)
            for r in rules
        ],
    )  # fmt: skip


def delete_rules(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM loyalty_rules WHERE id = ?", [(i,) for i in ids])


def replace_rules(conn: sqlite3.Connection, rules: list[EarningRule]) -> None:
    """Exactly these rules, no others (a snapshot from the hub)."""
    conn.execute("DELETE FROM loyalty_rules")
    upsert_rules(conn, rules)


def all_rules(conn: sqlite3.Connection) -> list[EarningRule]:
    return [rule_of(r) for r in conn.execute("SELECT * FROM loyalty_rules ORDER BY id")]


def categories_of(conn: sqlite3.Connection, skus: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    rows = conn.execute(
        f"SELECT sku, category FROM products WHERE sku IN ({','.join('?' * len(wanted))})",
        wanted,
    )
    return {r["sku"]: r["category"] or "" for r in rows}
