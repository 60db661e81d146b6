"""The hub's storage on both engines: every test that takes `storage` runs once on SQLite (a
file in tmp_path) and once on PostgreSQL (a fresh database of the session's server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.hub.store import Storage, open_storage
from tests.integration.sync.conftest import broker, node  # noqa: F401  (fixtures shared)
from tests.integration.sync.postgres import Postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    server: Postgres = request.getfixturevalue("postgres_server")
    return server.fresh_database()


@pytest.fixture
def storage(database_url: str, tmp_path: Path) -> Iterator[Storage]:
    s = open_storage(database_url, tmp_path)
    yield s
    s.close()
