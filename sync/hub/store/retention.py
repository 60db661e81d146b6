"""Retention: applied events, sales, sale lines and the ERP's feed older than `[retention]
days` go. On PostgreSQL whole monthly partitions are dropped first; what is left (the oldest month's
remainder, the default partition, every row on SQLite) is deleted in bounded chunks so no
transaction holds the hub's writer for long."""

from __future__ import annotations

from datetime import datetime

from sync.hub.store.port import Storage, utc_iso

TABLES = {"hub_events": "applied_at", "hub_sales": "at", "hub_sale_lines": "at",
          "hub_feed": "applied_at"}  # fmt: skip
DEAD_LETTERS = {"hub_dead_letters": "at"}  # kept `[dead_letters] keep_days`
CHUNK = 5000


def prune(
    storage: Storage, cutoff: datetime, tables: dict[str, str] | None = None
) -> dict[str, int]:
    """Rows (or, for dropped partitions, partitions) removed per table (default TABLES)."""
    removed: dict[str, int] = {}
    stamp = utc_iso(cutoff)
    for table, column in (TABLES if tables is None else tables).items():
        with storage.transaction() as tx:
            n = storage.drop_expired(tx, table, cutoff)
        while True:
            with storage.transaction() as tx:
                if tx.dialect == "sqlite":
                    gone = tx.execute(
                        f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table}"
                        f" WHERE {column} < ? LIMIT ?)",
                        [stamp, CHUNK],
                    ).rowcount
                else:
                    gone = tx.execute(
                        f"DELETE FROM {table} WHERE (tableoid, ctid) IN (SELECT tableoid, ctid"
                        f" FROM {table}"
                        f" WHERE {column} < ? LIMIT ?)",
                        [stamp, CHUNK],
                    ).rowcount
            n += gone
            if gone < CHUNK:
                break
        removed[table] = n
    return removed


def claim(storage: Storage, task: str, *, now: str, since: str) -> bool:
    """True for the one worker that runs `task` now (not run since `since`)."""
    with storage.transaction() as tx:
        tx.execute(
            "INSERT INTO hub_maintenance (task, done_at) VALUES (?, NULL)"
            " ON CONFLICT (task) DO NOTHING",
            [task],
        )
        row = tx.one(
            "UPDATE hub_maintenance SET done_at = ? WHERE task = ?"
            " AND (done_at IS NULL OR done_at <= ?) RETURNING task",
            [now, task, since],
        )
    return row is not None
