"""Messages the hub refused (`hub_dead_letters`): kept with the reason, never applied."""

from __future__ import annotations

from sync.hub.store.port import Tx


def add(tx: Tx, *, at: str, topic: str, reason: str, payload: bytes) -> None:
    tx.execute(
        "INSERT INTO hub_dead_letters (at, topic, reason, payload) VALUES (?, ?, ?, ?)",
        # NUL cannot be stored in a PostgreSQL text column; a refused payload may hold one.
        [
            at,
            topic.replace("\0", "?"),
            reason[:500].replace("\0", "?"),
            payload[:65536].decode("utf-8", "replace").replace("\0", "?"),
        ],
    )


def count(tx: Tx) -> int:
    return int(tx.scalar("SELECT count(*) FROM hub_dead_letters"))
