"""The hub's own numbered migrations, run on SQLite and PostgreSQL alike.

A migration is a function `(tx, storage)` registered with `@migration(number, name)`; it writes
DDL with PostgreSQL's type names (`timestamptz`, `jsonb`, `bigint`, `IDENTITY` for an
auto-numbered key) through `run_ddl`, which spells them for the engine at hand. Every pending
migration runs in ONE transaction (DDL is transactional on both engines), so a failed upgrade
leaves the database as it was; on PostgreSQL an advisory lock lets only one starting worker
migrate while the others wait and then find nothing to do."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sync.hub.store.port import Storage, StorageError, Tx, now_iso

log = logging.getLogger(__name__)
MigrationFn = Callable[[Tx, Storage], None]
_LOCK_KEY = 0x5E_0001  # pg_advisory_xact_lock key: "migrating the hub"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: MigrationFn


MIGRATIONS: list[Migration] = []


def migration(number: int, name: str) -> Callable[[MigrationFn], MigrationFn]:
    def register(fn: MigrationFn) -> MigrationFn:
        if any(m.number == number for m in MIGRATIONS):
            raise ValueError(f"hub migration {number} is defined twice")
        MIGRATIONS.append(Migration(number, name, fn))
        MIGRATIONS.sort(key=lambda m: m.number)
        return fn

    return register


def run_ddl(tx: Tx, storage: Storage, script: str) -> None:
    """Runs `;`-separated DDL statements (no `;` inside them), spelled for this engine."""
    for statement in storage.ddl(script).split(";"):
        if statement.strip():
            tx.execute(statement)


def _legacy(tx: Tx) -> bool:
    """A hub.db from before the hub had storage of its own (the edge's schema inside)."""
    if tx.dialect != "sqlite":
        return False
    return bool(
        tx.one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    ) and not tx.one(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'hub_schema_migrations'"
    )


def migrate(storage: Storage) -> list[str]:
    """Applies every pending migration in one transaction; returns their names."""
    import sync.hub.store.schema  # noqa: F401  (registers the migrations)

    names: list[str] = []
    current = ""
    try:
        with storage.transaction() as tx:
            if tx.dialect == "postgresql":
                tx.execute("SELECT pg_advisory_xact_lock(?)", [_LOCK_KEY])
            if _legacy(tx):
                raise StorageError(
                    f"{storage.describe()} was written by an older hub (the edge's schema"
                    " inside): start this hub on a new database file (its stores send their"
                    " unacknowledged events again) or keep the older hub"
                )
            tx.execute(
                "CREATE TABLE IF NOT EXISTS hub_schema_migrations (number integer PRIMARY KEY,"
                " name text NOT NULL, applied_at text NOT NULL)"
            )
            done = {int(r[0]) for r in tx.all("SELECT number FROM hub_schema_migrations")}
            for m in MIGRATIONS:
                if m.number in done:
                    continue
                current = f"{m.number:04d}_{m.name}"
                log.info("applying hub migration %s", current)
                m.apply(tx, storage)
                tx.execute(
                    "INSERT INTO hub_schema_migrations (number, name, applied_at) VALUES (?,?,?)",
                    [m.number, m.name, now_iso()],
                )
                names.append(current)
    except StorageError:
        raise
    except Exception as exc:
        raise StorageError(
            f"hub migration {current} failed: {exc}; the database is unchanged"
        ) from exc
    return names
