"""The hub's storage: one port (port.py), two adapters (sqlite.py, the default, a file under the
data dir; postgres.py, psycopg 3), the hub's own migrations (the runner in migrations.py, their
list in schema/) and one query module per group of tables. Services call the query modules with
a `Tx`; nothing outside this package writes SQL.

Adding a table and a query (both adapters get it at once):
1. A migration function in the schema/ module of its part (or a new module), running
   `run_ddl(tx, storage, "CREATE TABLE hub_x (... timestamptz, ... jsonb, ...)")`, and its
   `Migration(N, "what", module.fn)` in `MIGRATIONS` (schema/__init__.py, in number order) with
   the next free number of its range. Write PostgreSQL's type names; the SQLite adapter spells
   them (ddl()).
2. A function in a query module (a new `hub_x.py` or the one whose tables it reads):
   `def thing(tx: Tx, ...) -> ...: return tx.all("SELECT ... WHERE a = ?", [a])` in the SQL
   both engines speak: `?` placeholders, `ON CONFLICT … DO …`, `RETURNING`, no `INSERT OR …`,
   no `? IS NULL` on an untyped parameter (PostgreSQL cannot tell its type), ints not bools,
   timestamps as `utc_iso(...)` strings, JSON as text.
3. Add the table to the parametrised storage suite (tests/integration/hub/test_storage.py):
   it runs every query on SQLite and on a PostgreSQL the tests start.
Where the engines truly differ (locks, partitions, backups), add a method to `Storage` in
port.py and implement it in both adapters."""

from __future__ import annotations

from pathlib import Path

from sync.hub.store.port import Retryable, Storage, StorageError, Tx

__all__ = ["Retryable", "Storage", "StorageError", "Tx", "open_storage"]


def open_storage(url: str | None, data_dir: Path) -> Storage:
    """`postgresql://…` → PostgreSQL; `sqlite:///path` or nothing → SQLite (default
    `<data_dir>/hub.db`). Migrates to the current schema before returning."""
    from sync.hub.store.migrations import migrate
    from sync.hub.store.schema import MIGRATIONS

    storage: Storage
    if url and url.startswith(("postgresql://", "postgres://")):
        from sync.hub.store.postgres import PostgresStorage

        storage = PostgresStorage(url)
    elif not url or url.startswith("sqlite://"):
        from sync.hub.store.sqlite import SqliteStorage

        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them
        path = Path(url[len("sqlite://") :].removeprefix("/")) if url else data_dir / "hub.db"
        storage = SqliteStorage(path)
    else:
        raise StorageError(
            f"database URL {url!r}: use postgresql://USER@HOST:PORT/DB or sqlite:///PATH"
        )
    try:
        migrate(storage, MIGRATIONS)
    except BaseException:
        storage.close()
        raise
    return storage
