"""Forward-only, numbered, named migrations recorded in the database.

Each component (edge, devices, sync, …) keeps its own numbered set. Every pending migration of
every set runs in ONE transaction: SQLite DDL is transactional, so a migration that fails
half-way leaves the database exactly as it was before the upgrade started (sqlite-migrate
commits per migration, which would leave a half-upgraded database; hence this small runner)."""

from __future__ import annotations

import logging
import sqlite3
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


class MigrationError(RuntimeError):
    """A migration failed; the database was left as it was."""


def _statements(script: str) -> list[str]:
    """Splits a SQL script into complete statements (sqlite3.complete_statement knows about
    strings, comments and trigger bodies, so a ';' inside them does not end a statement)."""
    out, start = [], 0
    for i, ch in enumerate(script):
        if ch == ";" and sqlite3.complete_statement(script[start : i + 1]):
            out.append(script[start : i + 1])
            start = i + 1
    if script[start:].strip():
        out.append(script[start:])
    return out


def _in_transaction(db: sqlite_utils.Database) -> sqlite_utils.Database:
    """sqlite3's executescript() COMMITs any open transaction first, which would make a failed
    upgrade half-applied; migrations get an executescript that stays inside ours."""

    def executescript(script: str) -> None:
        for statement in _statements(script):
            db.conn.execute(statement)

    db.executescript = executescript  # type: ignore[method-assign]
    return db


def _ensure_table(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component TEXT NOT NULL, number INTEGER NOT NULL, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL, PRIMARY KEY (component, number))"
    )


def applied(database: Database) -> set[tuple[str, int]]:
    with database.read() as conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchone()
        if not exists:
            return set()
        return {
            (r[0], r[1]) for r in conn.execute("SELECT component, number FROM schema_migrations")
        }


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
        with database.transaction():
            db = _in_transaction(database.utils())
            _ensure_table(db)
            for component, m in todo:
                current = f"{component}:{m.number:04d}_{m.name}"
                log.info("applying migration %s %04d %s", component, m.number, m.name)
                m.apply(db)
                db.execute(
                    "INSERT INTO schema_migrations (component, number, name, applied_at)"
                    " VALUES (?, ?, ?, ?)",
                    [component, m.number, m.name, datetime.now(UTC).isoformat()],
                )
                names.append(current)
    except Exception as exc:
        raise MigrationError(
            f"migration {current} failed: {exc}; the database is unchanged"
        ) from exc
    return names
