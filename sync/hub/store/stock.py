"""Every store's stock levels as the store last reported them (`hub_stock`), and which of them
changed since the neighbours were last told (`hub_nearby_changes`, coalesced per (store, SKU)
until the next nearby push claims them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx

Level = tuple[str, str, int, int, str]  # store_id, sku, on_hand, reserved, as_of


def set_levels(tx: Tx, levels: Sequence[Level]) -> None:
    """Levels are "after the change": the newest one per (store, SKU) wins."""
    tx.executemany(
        "INSERT INTO hub_stock (store_id, sku, on_hand, reserved, as_of) VALUES (?,?,?,?,?)"
        " ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand,"
        " reserved = excluded.reserved, as_of = excluded.as_of",
        levels,
    )
    tx.executemany(
        "INSERT INTO hub_nearby_changes (store_id, sku) VALUES (?, ?)"
        " ON CONFLICT (store_id, sku) DO NOTHING",
        [(lv[0], lv[1]) for lv in levels],
    )


def claim_changes(tx: Tx, *, now: str, since: str, sources: int = 500) -> dict[str, list[Any]]:
    """Takes the waiting changes of stores whose neighbours were last told before `since`
    (at most one message per store per interval; a store's first change after a quiet spell
    goes out at once) and marks them told now. Returns their current levels by store. A
    worker racing for the same stores waits for this commit, then finds them told."""
    candidates = [
        str(r[0])
        for r in tx.all(
            "SELECT DISTINCT c.store_id FROM hub_nearby_changes c JOIN hub_stores s"
            " ON s.store_id = c.store_id WHERE s.nearby_told_at IS NULL OR s.nearby_told_at <= ?"
            " ORDER BY c.store_id LIMIT ?",
            [since, sources],
        )
    ]
    if not candidates:
        return {}
    claimed = [
        str(r[0])
        for r in tx.all(
            "UPDATE hub_stores SET nearby_told_at = ? WHERE store_id IN"
            f" ({tx.marks(len(candidates))}) AND (nearby_told_at IS NULL OR nearby_told_at <= ?)"
            " RETURNING store_id",
            [now, *candidates, since],
        )
    ]
    if not claimed:
        return {}
    marks = tx.marks(len(claimed))
    changed = {
        (str(r[0]), str(r[1]))
        for r in tx.all(
            f"DELETE FROM hub_nearby_changes WHERE store_id IN ({marks}) RETURNING store_id, sku",
            claimed,
        )
    }
    skus = sorted({sku for _, sku in changed})
    out: dict[str, list[Any]] = {}
    for i in range(0, len(skus), 500):
        part = skus[i : i + 500]
        for r in tx.all(
            "SELECT store_id, sku, on_hand, reserved, as_of FROM hub_stock"
            f" WHERE store_id IN ({marks}) AND sku IN ({tx.marks(len(part))})",
            [*claimed, *part],
        ):
            if (r[0], r[1]) in changed:
                out.setdefault(str(r[0]), []).append(r)
    return out


def unclaim(tx: Tx, changes: Sequence[tuple[str, str]]) -> None:
    """Changes that could not be told (the broker went away): told at the next push."""
    tx.executemany(
        "INSERT INTO hub_nearby_changes (store_id, sku) VALUES (?, ?)"
        " ON CONFLICT (store_id, sku) DO NOTHING",
        changes,
    )


def levels_of(tx: Tx, store_ids: Sequence[str]) -> list[Any]:
    if not store_ids:
        return []
    return tx.all(
        "SELECT store_id, sku, on_hand, reserved, as_of FROM hub_stock"
        f" WHERE store_id IN ({tx.marks(len(store_ids))}) ORDER BY store_id, sku",
        list(store_ids),
    )


def by_sku(tx: Tx, sku: str) -> list[Any]:
    return tx.all(
        "SELECT store_id, on_hand, reserved, as_of FROM hub_stock WHERE sku = ? ORDER BY store_id",
        [sku],
    )
