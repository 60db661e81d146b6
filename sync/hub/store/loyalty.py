"""Loyalty at the hub: earning rules as versioned catalogue rows (`hub_loyalty_rules`) and the
customers' ledger (`hub_loyalty_entries`, one row per source: kind and ref)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from edge.domain.loyalty import EarningRule, Entry
from edge.loyalty_files import rule_of
from sync.hub.store.port import Tx, utc_iso


def upsert_rules(tx: Tx, rules: Iterable[EarningRule]) -> None:
    tx.executemany(
        "INSERT INTO hub_loyalty_rules (id, points_per_zl, multiplier, sku, category, starts,"
        " ends) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
        " points_per_zl = excluded.points_per_zl, multiplier = excluded.multiplier,"
        " sku = excluded.sku, category = excluded.category, starts = excluded.starts,"
        " ends = excluded.ends",
        [
            (r.id, r.points_per_zl, r.multiplier, r.sku, r.category,
             utc_iso(r.starts) if r.starts else None, utc_iso(r.ends) if r.ends else None)
            for r in rules
        ],
    )  # fmt: skip


def delete_rules(tx: Tx, ids: Iterable[str]) -> None:
    tx.executemany("DELETE FROM hub_loyalty_rules WHERE id = ?", [(i,) for i in ids])


def all_rules(tx: Tx) -> list[EarningRule]:
    return [rule_of(r) for r in tx.all("SELECT * FROM hub_loyalty_rules ORDER BY id")]


def rules_by_id(tx: Tx, ids: Sequence[str]) -> dict[str, EarningRule]:
    if not ids:
        return {}
    rows = tx.all(f"SELECT * FROM hub_loyalty_rules WHERE id IN ({tx.marks(len(ids))})", ids)
    return {r["id"]: rule_of(r) for r in rows}


def mark_version(tx: Tx, version: int, rule_ids: Sequence[str]) -> None:
    """Records which rules catalogue `version` changed (its row is already there)."""
    tx.execute(
        "UPDATE hub_catalog_versions SET loyalty_rules = ? WHERE version = ?",
        [json.dumps(list(rule_ids)), version],
    )


def rules_of_versions(tx: Tx, have: int) -> dict[int, list[str]]:
    """The rule ids each version after `have` changed (versions that changed none left out)."""
    rows = tx.all(
        "SELECT version, loyalty_rules FROM hub_catalog_versions WHERE version > ?"
        " AND loyalty_rules IS NOT NULL",
        [have],
    )
    return {int(r[0]): json.loads(r[1]) for r in rows}


def add_entry(
    tx: Tx,
    entry: Entry,
    *,
    at: str,
    store_id: str | None = None,
    offline: bool = False,
    lines: list[dict[str, Any]] | None = None,
) -> bool:
    """Records the entry once per source; False when that source was already recorded."""
    row = tx.one(
        "INSERT INTO hub_loyalty_entries (kind, ref, customer_id, points, store_id, at, offline,"
        " lines) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, ref) DO NOTHING RETURNING 1",
        [entry.kind, entry.ref, entry.customer_id, entry.points, store_id, utc_iso(at),
         int(offline), json.dumps(lines) if lines is not None else None],
    )  # fmt: skip
    return row is not None


def entry(tx: Tx, kind: str, ref: str) -> Any:
    return tx.one("SELECT * FROM hub_loyalty_entries WHERE kind = ? AND ref = ?", [kind, ref])


def balance(tx: Tx, customer_id: str) -> int:
    return int(
        tx.scalar(
            "SELECT coalesce(sum(points), 0) FROM hub_loyalty_entries WHERE customer_id = ?",
            [customer_id],
        )
    )


def redeemed_since(tx: Tx, customer_id: str, since: str) -> int:
    return -int(
        tx.scalar(
            "SELECT coalesce(sum(points), 0) FROM hub_loyalty_entries WHERE customer_id = ?"
            " AND kind = 'redemption' AND at >= ?",
            [customer_id, utc_iso(since)],
        )
    )


def flag_overdraft(tx: Tx, kind: str, ref: str, overdraft: int) -> None:
    tx.execute(
        "UPDATE hub_loyalty_entries SET overdraft = ? WHERE kind = ? AND ref = ?",
        [overdraft, kind, ref],
    )


def lock_customer(tx: Tx, customer_id: str, for_update: str) -> Any:
    """The customer's row, held until the transaction ends (one redemption at a time)."""
    return tx.one(f"SELECT * FROM hub_customers WHERE customer_id = ?{for_update}", [customer_id])
