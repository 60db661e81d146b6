"""Messages the hub refused (`hub_dead_letters`): kept with the reason, never applied."""

from __future__ import annotations

from sync.hub.store.port import Tx


def add(tx: Tx, *, at: str, topic: str, reason: str, payload: bytes, keep: int = 4096) -> None:
    """Keeps the payload's first `keep` bytes as text (bytes that are not UTF-8, such as a
    character cut in two, are left out, so the text is never longer than `keep` bytes)."""
    text = payload[:keep].decode("utf-8", "ignore").replace("\0", "?")
    tx.execute(
        "INSERT INTO hub_dead_letters (at, topic, reason, payload) VALUES (?, ?, ?, ?)",
        # NUL cannot be stored in a PostgreSQL text column; a refused payload may hold one.
        [
            at,
            topic.replace("\0", "?"),
            reason[:500].replace("\0", "?"),
            text,
        ],
    )


def count(tx: Tx) -> int:
    return int(tx.scalar("SELECT count(*) FROM hub_dead_letters"))
