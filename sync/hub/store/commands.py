"""Signed commands for stores (`hub_commands`): recorded in the transaction that makes them,
sent after its commit, resent until the store acknowledges. Resends are claimed (a row update
that moves `sent_at`), so of several workers exactly one sends each."""

from __future__ import annotations

from typing import Any

from sync.hub.store.port import Tx


def add(tx: Tx, *, id: str, store_id: str, seq: int, type: str, envelope: str, at: str) -> None:
    tx.execute(
        "INSERT INTO hub_commands (id, store_id, seq, type, envelope, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [id, store_id, seq, type, envelope, at],
    )


def claim_for_sending(
    tx: Tx, *, now: str, older_than: str, store_id: str | None = None, limit: int = 1000
) -> list[str]:
    """Envelopes of pending commands not sent since `older_than` (or never), marked sent
    now. A worker racing for the same rows waits for this commit, then finds them fresh."""
    where, params = ("", []) if store_id is None else (" AND store_id = ?", [store_id])
    rows = tx.all(
        "UPDATE hub_commands SET sent_at = ? WHERE id IN (SELECT id FROM hub_commands"
        " WHERE status = 'pending' AND (sent_at IS NULL OR sent_at <= ?)"
        f"{where} ORDER BY store_id, seq LIMIT ?)"
        " AND status = 'pending' AND (sent_at IS NULL OR sent_at <= ?)"
        " RETURNING store_id, seq, envelope",
        [now, older_than, *params, limit, older_than],
    )
    return [str(r[2]) for r in sorted(rows, key=lambda r: (r[0], r[1]))]


def mark_sent(tx: Tx, command_id: str, now: str) -> None:
    tx.execute("UPDATE hub_commands SET sent_at = ? WHERE id = ?", [now, command_id])


def get(tx: Tx, command_id: str, store_id: str) -> Any:
    return tx.one(
        "SELECT type, envelope, status FROM hub_commands WHERE id = ? AND store_id = ?",
        [command_id, store_id],
    )


def acknowledge(tx: Tx, command_id: str, *, status: str, reason: str, now: str) -> None:
    tx.execute(
        "UPDATE hub_commands SET status = ?, reason = ?, acked_at = ? WHERE id = ?",
        [status, reason, now, command_id],
    )


def pending_count(tx: Tx) -> int:
    return int(tx.scalar("SELECT count(*) FROM hub_commands WHERE status = 'pending'"))
