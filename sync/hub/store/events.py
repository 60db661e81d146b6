"""Applied events (`hub_events`, the record of every (store, seq) applied) and the events that
arrived past a gap (`hub_pending`, applied when the gap is filled)."""

from __future__ import annotations

from collections.abc import Sequence

from sync.hub.store.port import Tx


def hold(tx: Tx, store_id: str, seq: int, body: str, now: str) -> None:
    tx.execute(
        "INSERT INTO hub_pending (store_id, seq, body, received_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (store_id, seq) DO NOTHING",
        [store_id, seq, body, now],
    )


def held(tx: Tx, store_id: str, seq: int) -> str | None:
    """The body of the held event `seq`, if it arrived."""
    row = tx.one("SELECT body FROM hub_pending WHERE store_id = ? AND seq = ?", [store_id, seq])
    return None if row is None else str(row[0])


def release(tx: Tx, store_id: str, upto: int) -> bool:
    """Forgets held events up to `upto` (applied now); True while others still wait."""
    tx.execute("DELETE FROM hub_pending WHERE store_id = ? AND seq <= ?", [store_id, upto])
    return tx.one("SELECT 1 FROM hub_pending WHERE store_id = ? LIMIT 1", [store_id]) is not None


def record(tx: Tx, rows: Sequence[tuple[str, int, str, str, str, str, str | None]]) -> None:
    """(store_id, seq, id, type, at, applied_at, error) of each applied event."""
    tx.executemany(
        "INSERT INTO hub_events (store_id, seq, id, type, at, applied_at, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def held_for(tx: Tx, store_ids: Sequence[str]) -> dict[str, dict[int, str]]:
    """Every held event of these stores: {store: {seq: body}}."""
    out: dict[str, dict[int, str]] = {}
    if not store_ids:
        return out
    for r in tx.all(
        "SELECT store_id, seq, body FROM hub_pending"
        f" WHERE store_id IN ({tx.marks(len(store_ids))})",
        list(store_ids),
    ):
        out.setdefault(str(r[0]), {})[int(r[1])] = str(r[2])
    return out


def hold_many(tx: Tx, rows: Sequence[tuple[str, int, str, str]]) -> None:
    """(store_id, seq, body, received_at) of events past a gap."""
    tx.executemany(
        "INSERT INTO hub_pending (store_id, seq, body, received_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (store_id, seq) DO NOTHING",
        rows,
    )


def release_many(tx: Tx, upto: Sequence[tuple[str, int]]) -> None:
    """Forgets held events up to each store's applied seq."""
    tx.executemany("DELETE FROM hub_pending WHERE store_id = ? AND seq <= ?", upto)
