"""Forward-only, numbered, named migrations recorded in the database.

Each component (edge, devices, sync, …) keeps its own numbered set. Every pending migration of
every set runs in ONE transaction: SQLite DDL is transactional, so a migration that fails
half-way leaves the database exactly as it was before the upgrade started. (sqlite-utils'
own `Migrations` commits each migration on its own, which would leave a half-upgraded database
behind a failure; hence this small runner.)

A migration gets a `sqlite_utils.Database` on the open transaction and may use all of it: SQL
scripts (`executescript` stays inside the transaction), `create`, `insert_all`, `add_column`,
and `transform` for the table changes SQLite's ALTER TABLE cannot make. Foreign keys are off
while the upgrade runs, as SQLite's procedure for rebuilding a table asks (dropping a table's
old copy must not fire ON DELETE actions), and are checked as a whole before it commits."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlite_utils

from edge.store.db import Database

log = logging.getLogger(__name__)

MigrationFn = Callable[[sqlite_utils.Database], None]


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    apply: MigrationFn


@dataclass
class MigrationSet:
    component: str
    migrations: list[Migration] = field(default_factory=list)

    def __call__(self, number: int, name: str) -> Callable[[MigrationFn], MigrationFn]:
        def register(fn: MigrationFn) -> MigrationFn:
            if any(m.number == number for m in self.migrations):
                raise ValueError(f"{self.component} migration {number} is defined twice")
            self.migrations.append(Migration(number, name, fn))
            self.migrations.sort(key=lambda m: m.number)
            return fn

        return register

    def include(self, *parts: MigrationSet) -> MigrationSet:
        """Adds the migrations of `parts` (sets of the same component declared module by
        module); a number defined twice is still refused."""
        for part in parts:
            if part.component != self.component:
                raise ValueError(f"{part.component} migrations cannot join {self.component}'s")
            for m in part.migrations:
                self(m.number, m.name)(m.apply)
        return self


class MigrationError(RuntimeError):
    """A migration failed; the database was left as it was."""


MIGRATIONS_TABLE = "schema_migrations"


def _ensure_table(db: sqlite_utils.Database) -> None:
    db.table(MIGRATIONS_TABLE).create(
        {"component": str, "number": int, "name": str, "applied_at": str},
        pk=("component", "number"),
        not_null={"component", "number", "name", "applied_at"},
        if_not_exists=True,
    )


def applied(database: Database) -> set[tuple[str, int]]:
    with database.read() as conn:
        table = database.utils(conn).table(MIGRATIONS_TABLE)
        if not table.exists():
            return set()
        return {(r["component"], r["number"]) for r in table.rows}


def pending(database: Database, sets: list[MigrationSet]) -> list[tuple[str, Migration]]:
    done = applied(database)
    return [
        (s.component, m) for s in sets for m in s.migrations if (s.component, m.number) not in done
    ]


def migrate(database: Database, sets: list[MigrationSet]) -> list[str]:
    """Applies every pending migration in one transaction; returns their names."""
    todo = pending(database, sets)
    if not todo:
        return []
    names: list[str] = []
    current = ""
    try:
        with database.schema_change() as conn:
            db = database.utils(conn)
            _ensure_table(db)
            for component, m in todo:
                current = f"{component}:{m.number:04d}_{m.name}"
                log.info("applying migration %s %04d %s", component, m.number, m.name)
                m.apply(db)
                db.table(MIGRATIONS_TABLE).insert(
                    {
                        "component": component,
                        "number": m.number,
                        "name": m.name,
                        "applied_at": datetime.now(UTC).isoformat(),
                    }
                )
                names.append(current)
            current = "(the foreign key check after them)"
    except Exception as exc:
        raise MigrationError(
            f"migration {current} failed: {exc}; the database is unchanged"
        ) from exc
    return names
