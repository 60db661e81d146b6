"""The sync agent's tables on a node (component `sync`) and its small queries.

`sync_state` (edge's table) holds `acked_seq` (the hub's end-to-end ack), `last_ack_at` and
`catalogue_version`."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import sqlite_utils

from edge.domain.catalogue import Product
from edge.store import catalogue_repo
from edge.store.migrations import MigrationSet

sync_migrations = MigrationSet("sync")


@sync_migrations(1, "commands_and_dead_letters")
def _commands(db: sqlite_utils.Database) -> None:
    db.executescript("""
    -- One row per hub command ever applied (or refused by its handler), written in the same
    -- transaction as the command's effects: a redelivered command is answered from here.
    CREATE TABLE sync_commands (
        id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        ack TEXT NOT NULL,
        applied_at TEXT NOT NULL
    );
    -- Messages refused before they could be applied (malformed, unsigned, wrong signature).
    CREATE TABLE sync_dead_letters (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        topic TEXT NOT NULL,
        reason TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    """)


def get_state(conn: sqlite3.Connection, key: str, default: str = "") -> str:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else default


def set_state(conn: sqlite3.Connection, key: str, value: object) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, str(value)],
    )


def catalogue_version(conn: sqlite3.Connection) -> int:
    return int(get_state(conn, "catalogue_version", "0"))


def unsent(conn: sqlite3.Connection, after: int, limit: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT seq, id, type, at, data FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
        [after, limit],
    ).fetchall()


def max_seq(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM outbox").fetchone()[0])


DEAD_LETTER_KEEP_BYTES = 4096  # of a refused payload: enough to see what it was


def dead_letter(conn: sqlite3.Connection, at: str, topic: str, reason: str, payload: bytes) -> None:
    """Pruned by compaction after `[ops] dead_letters_keep_days`."""
    kept = payload[:DEAD_LETTER_KEEP_BYTES].decode("utf-8", "ignore")  # never over the cap
    conn.execute(
        "INSERT INTO sync_dead_letters (at, topic, reason, payload) VALUES (?, ?, ?, ?)",
        [at, topic, reason[:500], kept],
    )


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", [name]).fetchone()
    )


def trust_keys(conn: sqlite3.Connection, keys: dict[str, str]) -> None:
    """Public keys for offline checks (table `trusted_keys`, created by the pickups part's
    migration; without it there is nothing to check offline and nothing to write)."""
    if keys and has_table(conn, "trusted_keys"):
        conn.executemany(
            "INSERT OR REPLACE INTO trusted_keys (key_id, pem) VALUES (?, ?)", list(keys.items())
        )


def save_nearby(
    conn: sqlite3.Connection,
    own_store: str,
    levels: list[dict[str, Any]],
    stores: list[dict[str, Any]],
) -> int:
    for s in stores:
        if s.get("store_id") and s["store_id"] != own_store:
            conn.execute(
                "INSERT INTO nearby_stores (store_id, name, distance_km) VALUES (?, ?, ?)"
                " ON CONFLICT (store_id) DO UPDATE SET name = excluded.name,"
                " distance_km = coalesce(excluded.distance_km, nearby_stores.distance_km)",
                [s["store_id"], s.get("name", ""), s.get("distance_km")],
            )
    rows = [
        (lv["store_id"], lv["sku"], int(lv["on_hand"]), int(lv["reserved"]), lv["as_of"])
        for lv in levels
        if lv.get("store_id") != own_store
    ]
    # Only newer news replaces what we have: nearby messages may arrive out of order.
    conn.executemany(
        "INSERT INTO nearby_stock (store_id, sku, on_hand, reserved, as_of) VALUES (?,?,?,?,?)"
        " ON CONFLICT (store_id, sku) DO UPDATE SET on_hand = excluded.on_hand,"
        " reserved = excluded.reserved, as_of = excluded.as_of"
        " WHERE excluded.as_of >= nearby_stock.as_of",
        rows,
    )
    return len(rows)


def replace_catalogue(conn: sqlite3.Connection, products: list[Product], at: datetime) -> None:
    """A snapshot from the hub, in bulk (see catalogue_repo.replace_all)."""
    catalogue_repo.replace_all(conn, products, at)


RESTORED = "restored_at"


def realign_after_restore(conn: sqlite3.Connection, hub_applied: int) -> int:
    """A store database restored from a backup numbers its new events from the backup's last
    seq, which the hub has already applied (to the events lost with the old disk): the hub would
    drop them as duplicates. Shift the unacknowledged events past what the hub holds, keeping
    their order, and take the hub's position as acknowledged. Returns the shift."""
    acked = int(get_state(conn, "acked_seq", "0") or 0)
    shift = max(0, hub_applied - acked)
    if shift:
        # Two steps: shifting a primary key in place would collide with the rows above it.
        conn.execute("UPDATE outbox SET seq = -(seq + ?) WHERE seq > ?", [shift, acked])
        conn.execute("UPDATE outbox SET seq = -seq WHERE seq < 0")
        conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'outbox'",
            [max(hub_applied, max_seq(conn))],
        )
        set_state(conn, "acked_seq", hub_applied)
    conn.execute("DELETE FROM sync_state WHERE key = ?", [RESTORED])
    return shift
