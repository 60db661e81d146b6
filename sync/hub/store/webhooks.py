"""Webhook targets' progress through the feed (`hub_webhooks`)."""

from __future__ import annotations

from typing import Any

from sync.hub.store.port import Tx


def claim(tx: Tx, url: str, now: str, lease_until: str) -> int | None:
    """The target's acknowledged position when it is due and no other worker holds it (then
    held until `lease_until`); None otherwise."""
    tx.execute("INSERT INTO hub_webhooks (url) VALUES (?) ON CONFLICT (url) DO NOTHING", [url])
    row = tx.one(
        "UPDATE hub_webhooks SET lease_until = ? WHERE url = ?"
        " AND (lease_until IS NULL OR lease_until <= ?)"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) RETURNING delivered",
        [lease_until, url, now, now],
    )
    return None if row is None else int(row[0])


def delivered(tx: Tx, url: str, position: int, items: int, status: str, now: str) -> None:
    tx.execute(
        "UPDATE hub_webhooks SET delivered = ?, failures = 0, attempts = attempts + 1,"
        " items = items + ?, next_attempt_at = NULL, lease_until = NULL, last_status = ?,"
        " last_success_at = ? WHERE url = ?",
        [position, items, status, now, url],
    )


def failed(tx: Tx, url: str, status: str, next_attempt_at: str) -> int:
    """Records a failed attempt; returns the failures in a row."""
    return int(
        tx.scalar(
            "UPDATE hub_webhooks SET failures = failures + 1, attempts = attempts + 1,"
            " next_attempt_at = ?, lease_until = NULL, last_status = ? WHERE url = ?"
            " RETURNING failures",
            [next_attempt_at, status, url],
        )
    )


def release(tx: Tx, url: str) -> None:
    tx.execute("UPDATE hub_webhooks SET lease_until = NULL WHERE url = ?", [url])


def failures(tx: Tx, url: str) -> int:
    return int(tx.scalar("SELECT failures FROM hub_webhooks WHERE url = ?", [url]) or 0)


def listing(tx: Tx) -> list[Any]:
    return tx.all("SELECT * FROM hub_webhooks ORDER BY url")
