"""`hub_stores`: one row per store, the hub's view of it and the per-store counters and marks
that several workers share (applied seq, command seq, snapshot and greeting marks, gaps)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx


def ensure(tx: Tx, store_ids: Sequence[str]) -> None:
    tx.executemany(
        "INSERT INTO hub_stores (store_id) VALUES (?) ON CONFLICT (store_id) DO NOTHING",
        [(s,) for s in sorted(set(store_ids))],
    )


def lock(tx: Tx, store_ids: Sequence[str], for_update: str) -> dict[str, Any]:
    """Makes sure the stores' rows exist and takes them, in store order (two workers never
    wait on each other in a circle), held until the transaction ends; returns them by id."""
    ids = sorted(set(store_ids))
    ensure(tx, ids)
    rows = tx.all(
        f"SELECT * FROM hub_stores WHERE store_id IN ({tx.marks(len(ids))})"
        f" ORDER BY store_id{for_update}",
        ids,
    )
    return {str(r["store_id"]): r for r in rows}


def save_progress(tx: Tx, rows: Sequence[Sequence[Any]]) -> None:
    """What a group of batches did to each store (taken with `lock`): (applied_seq, last_seen,
    reported_depth, last_event_at, last_applied_at, duplicates added, gap_since, gap_asked_at,
    resend_requests added, store_id)."""
    tx.executemany(
        "UPDATE hub_stores SET applied_seq = ?, last_seen = ?, reported_depth = ?,"
        " last_event_at = coalesce(?, last_event_at),"
        " last_applied_at = coalesce(?, last_applied_at), duplicates = duplicates + ?,"
        " gap_since = ?, gap_asked_at = ?, resend_requests = resend_requests + ?"
        " WHERE store_id = ?",
        rows,
    )


def get(tx: Tx, store_id: str) -> Any:
    return tx.one("SELECT * FROM hub_stores WHERE store_id = ?", [store_id])


def applied(
    tx: Tx,
    store_id: str,
    *,
    applied_seq: int,
    now: str,
    depth: int,
    last_event_at: str | None,
    duplicates: int,
    gap: bool,
) -> Any:
    """Records what a batch applied; returns (gap_since, gap_asked_at) as they now stand."""
    return tx.one(
        "UPDATE hub_stores SET applied_seq = ?, last_seen = ?, reported_depth = ?,"
        " last_event_at = coalesce(?, last_event_at),"
        " last_applied_at = coalesce(?, last_applied_at),"
        " duplicates = duplicates + ?,"
        " gap_since = CASE WHEN ? = 0 THEN NULL ELSE coalesce(gap_since, ?) END,"
        " gap_asked_at = CASE WHEN ? = 0 THEN NULL ELSE gap_asked_at END"
        " WHERE store_id = ? RETURNING gap_since, gap_asked_at",
        [applied_seq, now, depth, last_event_at, now if last_event_at else None, duplicates,
         int(gap), now, int(gap), store_id],
    )  # fmt: skip


def claim_resend_request(tx: Tx, store_id: str, *, now: str, since: str) -> int | None:
    """Claims asking `store_id` to resend (its gap is older than `since` and nobody asked
    since then); returns the seq to resend from, or None when not this worker's to ask."""
    row = tx.one(
        "UPDATE hub_stores SET gap_asked_at = ?, resend_requests = resend_requests + 1"
        " WHERE store_id = ? AND gap_since IS NOT NULL AND gap_since <= ?"
        " AND (gap_asked_at IS NULL OR gap_asked_at <= ?) RETURNING applied_seq",
        [now, store_id, since, since],
    )
    return None if row is None else int(row[0]) + 1


def stale_gaps(tx: Tx, since: str) -> list[str]:
    """Stores whose gap has lasted since before `since` and were not asked since then."""
    return [
        str(r[0])
        for r in tx.all(
            "SELECT store_id FROM hub_stores WHERE gap_since IS NOT NULL AND gap_since <= ?"
            " AND (gap_asked_at IS NULL OR gap_asked_at <= ?) ORDER BY store_id",
            [since, since],
        )
    ]


def record_status(
    tx: Tx,
    store_id: str,
    *,
    online: bool,
    at: str,
    catalogue_version: int,
    depth: int,
    public_key: str | None,
) -> None:
    tx.execute(
        "UPDATE hub_stores SET online = ?, last_seen = ?, catalogue_version = ?,"
        " reported_depth = ?, public_key = coalesce(?, public_key),"
        " greeted_at = CASE WHEN ? = 1 THEN greeted_at END WHERE store_id = ?",
        [int(online), at, catalogue_version, depth, public_key, int(online), store_id],
    )


def claim_greeting(tx: Tx, store_id: str, *, now: str) -> bool:
    """True for the one worker that sends `store_id` its neighbours' whole picture: the store
    is new or back (its offline status cleared the mark). The mark lives in the database, so
    a restarted worker does not send every store everything again."""
    row = tx.one(
        "UPDATE hub_stores SET greeted_at = ? WHERE store_id = ? AND greeted_at IS NULL"
        " RETURNING store_id",
        [now, store_id],
    )
    return row is not None


def claim_snapshot(tx: Tx, store_id: str, *, version: int, now: str, since: str) -> bool:
    """True for the one worker that sends `store_id` a snapshot of `version`: not sent at
    this version since `since` (statuses keep coming while a store applies the last one)."""
    row = tx.one(
        "UPDATE hub_stores SET snapshot_version = ?, snapshot_sent_at = ? WHERE store_id = ?"
        " AND NOT (snapshot_version = ? AND snapshot_sent_at IS NOT NULL"
        " AND snapshot_sent_at > ?) RETURNING store_id",
        [version, now, store_id, version, since],
    )
    return row is not None


def next_command_seq(tx: Tx, store_id: str) -> int:
    """The store's next command seq: a row update, so two workers never take the same."""
    ensure(tx, [store_id])
    return int(
        tx.scalar(
            "UPDATE hub_stores SET command_seq = command_seq + 1 WHERE store_id = ?"
            " RETURNING command_seq",
            [store_id],
        )
    )


def public_keys(tx: Tx) -> dict[str, str]:
    return {
        str(r[0]): str(r[1])
        for r in tx.all(
            "SELECT store_id, public_key FROM hub_stores WHERE public_key IS NOT NULL"
            " ORDER BY store_id"
        )
    }


def ids(tx: Tx) -> list[str]:
    return [str(r[0]) for r in tx.all("SELECT store_id FROM hub_stores ORDER BY store_id")]


def listing(tx: Tx) -> list[Any]:
    """Every store with its pending command count, in one pass (1 000 stores in a few ms)."""
    return tx.all(
        "SELECT s.store_id, s.name, s.online, s.last_seen, s.applied_seq, s.reported_depth,"
        " s.catalogue_version, s.last_event_at, s.last_applied_at, s.gap_since,"
        " s.resend_requests, s.duplicates, s.public_key,"
        " coalesce(c.n, 0) AS pending_commands FROM hub_stores s LEFT JOIN"
        " (SELECT store_id, count(*) AS n FROM hub_commands WHERE status = 'pending'"
        " GROUP BY store_id) c ON c.store_id = s.store_id ORDER BY s.store_id"
    )


def online_count(tx: Tx) -> int:
    return int(tx.scalar("SELECT count(*) FROM hub_stores WHERE online = 1"))
