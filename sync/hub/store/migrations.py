"""The hub's own numbered migrations, run on SQLite and PostgreSQL alike.

A `Migration` is a number, a name and a function `(tx, storage)`; the hub's list of them is
`sync.hub.store.schema.MIGRATIONS`, which the caller passes to `migrate`. A migration writes
DDL with PostgreSQL's type names (`timestamptz`, `jsonb`, `bigint`, `IDENTITY` for an
auto-numbered key) through `run_ddl`, which spells them for the engine at hand. Every pending
migration runs in ONE transaction (DDL is transactional on both engines), so a failed upgrade
leaves the database as it was; on PostgreSQL an advisory lock lets only one starting worker
migrate while the others wait and then find nothing to do."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterable
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


def in_order(migrations: Iterable[Migration]) -> list[Migration]:
    """The migrations by number; a number given twice is refused (a database records numbers)."""
    ordered = sorted(migrations, key=lambda m: m.number)
    for before, after in itertools.pairwise(ordered):
        if before.number == after.number:
            raise ValueError(f"hub migration {after.number} is defined twice")
    return ordered


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


def migrate(storage: Storage, migrations: Iterable[Migration]) -> list[str]:
    """Applies every pending one of `migrations` in one transaction; returns their names."""
    ordered = in_order(migrations)
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
            for m in ordered:
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
