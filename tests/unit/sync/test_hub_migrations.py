"""The hub's migration list: numbers once each, in order (databases in the field record them),
and a list giving a number twice is refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.hub.store.migrations import Migration, in_order, migrate
from sync.hub.store.port import Storage, Tx
from sync.hub.store.schema import MIGRATIONS
from sync.hub.store.sqlite import SqliteStorage


def _nothing(tx: Tx, storage: Storage) -> None:
    pass


def test_the_hub_migrations_have_unique_ascending_numbers() -> None:
    numbers = [m.number for m in MIGRATIONS]
    assert numbers == sorted(set(numbers))
    assert in_order(MIGRATIONS) == list(MIGRATIONS)


def test_the_runner_applies_by_number_whatever_the_order_given() -> None:
    later, earlier = Migration(7, "later", _nothing), Migration(2, "earlier", _nothing)
    assert in_order((later, earlier)) == [earlier, later]


def test_a_number_given_twice_is_refused() -> None:
    twice = (*MIGRATIONS, Migration(MIGRATIONS[0].number, "again", _nothing))
    with pytest.raises(ValueError, match=f"hub migration {MIGRATIONS[0].number} is defined twice"):
        in_order(twice)


def test_migrate_refuses_a_number_given_twice_and_leaves_the_database_alone(
    tmp_path: Path,
) -> None:
    storage = SqliteStorage(tmp_path / "hub.db")
    try:
        with pytest.raises(ValueError, match="defined twice"):
            migrate(storage, (*MIGRATIONS, Migration(1, "again", _nothing)))
        with storage.read() as tx:
            assert tx.all("SELECT name FROM sqlite_master WHERE type = 'table'") == []
    finally:
        storage.close()
