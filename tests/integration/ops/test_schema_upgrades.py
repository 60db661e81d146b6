"""A node on an older database migrates it forward; a migration failing half-way leaves the
old database exactly as it was (every pending migration runs in one transaction)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from edge.app import create_app, migration_sets
from edge.config import Settings
from edge.store.db import Database
from edge.store.migrations import MigrationError, MigrationSet, migrate, pending
from edge.store.schema import edge_migrations


def older_database(path: Path, upto: int) -> None:
    """A database as an older release left it: only edge migrations 1..upto, with data."""
    old = MigrationSet("edge", [m for m in edge_migrations.migrations if m.number <= upto])
    db = Database(path)
    try:
        migrate(db, [old])
        with db.transaction() as conn:
            conn.execute("INSERT INTO categories (id, name_pl) VALUES ('old', 'Stare')")
    finally:
        db.close()


def test_a_node_starting_on_an_older_database_migrates_it_forward(settings: Settings) -> None:
    older_database(settings.db_path, upto=3)
    with TestClient(create_app(settings, ui=False)) as client:
        assert client.get("/readyz").status_code == 200
        db = client.app.state.ctx.db  # type: ignore[attr-defined]
        assert pending(db, migration_sets()) == []
        with db.read() as conn:
            numbers = {
                r[0]
                for r in conn.execute(
                    "SELECT number FROM schema_migrations WHERE component = 'edge'"
                )
            }
            kept = conn.execute("SELECT name_pl FROM categories WHERE id = 'old'").fetchone()
        assert numbers == {m.number for m in edge_migrations.migrations}
        assert kept[0] == "Stare"  # data of the old version survives the upgrade
        assert client.get("/api/v1/products", params={"q": "chleb"}).json()["items"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    db = Database(path)
    try:
        return list(db.writer.iterdump())
    finally:
        db.close()


def test_a_migration_failing_half_way_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    older_database(path, upto=5)
    before_dump = dump(path)
    before_bytes = digest(path)

    broken = MigrationSet("ops-test")

    @broken(1, "new_table_and_column")
    def _first(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("CREATE TABLE loyalty (card TEXT PRIMARY KEY)")
        db.execute("ALTER TABLE categories ADD COLUMN colour TEXT")
        db.execute("UPDATE categories SET colour = 'red'")
        db.execute("DELETE FROM categories")

    @broken(2, "fails")
    def _second(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("INSERT INTO loyalty VALUES ('x')")
        raise RuntimeError("disk on fire")

    db = Database(path)
    try:
        with pytest.raises(MigrationError, match=r"ops-test:0002_fails failed.*unchanged"):
            migrate(db, [edge_migrations, broken])
        newer_edge = [m.name for m in edge_migrations.migrations if m.number > 5]
        assert [m.name for _, m in pending(db, [edge_migrations, broken])] == [
            *newer_edge,
            "new_table_and_column",
            "fails",
        ]
    finally:
        db.close()
    assert dump(path) == before_dump
    assert digest(path) == before_bytes
