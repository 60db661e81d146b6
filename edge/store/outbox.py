"""The transactional outbox: events are written in the transaction that made the change, and
stay until the hub acknowledges them end to end (see sync/)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime

from edge.domain.events import Event


def append(conn: sqlite3.Connection, event: Event, at: datetime) -> int:
    """Writes one event; returns its store-local sequence number."""
    seq: int = conn.execute(
        "INSERT INTO outbox (id, type, at, data) VALUES (?, ?, ?, ?) RETURNING seq",
        [
            str(uuid.uuid4()),
            event.type,
            at.isoformat(),
            json.dumps(event.data, separators=(",", ":"), ensure_ascii=False),
        ],
    ).fetchone()[0]
    return seq


def acked_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM sync_state WHERE key = 'acked_seq'").fetchone()
    return int(row[0]) if row else 0


def depth(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """Events not yet acknowledged by the hub, and when the oldest of them was written."""
    acked = acked_seq(conn)
    row = conn.execute("SELECT count(*), min(at) FROM outbox WHERE seq > ?", [acked]).fetchone()
    return row[0], row[1]
