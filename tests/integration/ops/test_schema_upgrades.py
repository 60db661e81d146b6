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
        # A script: sqlite3's own executescript() would COMMIT first; sqlite-utils' must not.
        db.executescript("""
            CREATE TABLE loyalty (card TEXT PRIMARY KEY);
            ALTER TABLE categories ADD COLUMN colour TEXT;
        """)
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


def catalogue_database(path: Path) -> None:
    """Every edge migration, and products with barcodes (barcodes.sku references products.sku
    ON DELETE CASCADE: rebuilding `products` must not take the barcodes with it)."""
    db = Database(path)
    try:
        migrate(db, [edge_migrations])
        with db.transaction() as conn:
            conn.executemany(
                "INSERT INTO products (sku, name_pl, price, vat, updated_at)"
                " VALUES (?, 'x', 100, 'A', 't')",
                [("A",), ("B",)],
            )
            conn.executemany(
                "INSERT INTO barcodes (code, sku) VALUES (?, ?)", [("1", "A"), ("2", "B")]
            )
    finally:
        db.close()


def rebuilding_products(db) -> None:  # type: ignore[no-untyped-def]
    # A change ALTER TABLE cannot make: a new default on an existing column.
    db.table("products").transform(defaults={"image": "placeholder.png"})


def test_a_migration_rebuilds_a_referenced_table_with_sqlite_utils_transform(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.db"
    catalogue_database(path)
    change = MigrationSet("ops-test")
    change(1, "image_default")(rebuilding_products)
    db = Database(path)
    try:
        assert migrate(db, [edge_migrations, change]) == ["ops-test:0001_image_default"]
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM barcodes").fetchone()[0] == 2
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.utils().table("products").columns_dict["image"] is str
        assert "placeholder.png" in db.utils().table("products").schema
        with db.transaction() as conn:  # foreign keys are on again after the upgrade
            conn.execute("DELETE FROM products WHERE sku = 'A'")
            assert conn.execute("SELECT count(*) FROM barcodes").fetchone()[0] == 1
    finally:
        db.close()


def test_a_rebuild_followed_by_a_failure_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    catalogue_database(path)
    before = dump(path)
    change = MigrationSet("ops-test")
    change(1, "image_default")(rebuilding_products)

    @change(2, "fails")
    def _fails(db) -> None:  # type: ignore[no-untyped-def]
        db.table("loyalty").insert_all([{"card": "x"}, {"card": "y"}], pk="card")
        raise RuntimeError("disk on fire")

    db = Database(path)
    try:
        with pytest.raises(MigrationError, match=r"ops-test:0002_fails failed.*unchanged"):
            migrate(db, [edge_migrations, change])
    finally:
        db.close()
    assert dump(path) == before


def test_an_upgrade_that_breaks_a_foreign_key_is_refused_whole(tmp_path: Path) -> None:
    """Foreign keys are off while migrations run; what they left is checked before commit."""
    path = tmp_path / "store.db"
    catalogue_database(path)
    before = dump(path)
    change = MigrationSet("ops-test")

    @change(1, "orphans")
    def _orphans(db) -> None:  # type: ignore[no-untyped-def]
        db.execute("DELETE FROM products WHERE sku = 'A'")  # its barcode stays behind

    db = Database(path)
    try:
        with pytest.raises(MigrationError, match="foreign keys broken: barcodes"):
            migrate(db, [edge_migrations, change])
    finally:
        db.close()
    assert dump(path) == before
