"""Shared fixtures. Area-specific fixtures live beside their tests (tests/integration/<area>/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from edge.app import create_app
from edge.config import Settings
from edge.node import load_settings
from edge.services.context import Context
from tests.integration.sync.postgres import Postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Postgres]:
    """One PostgreSQL for the session (initdb into a temp dir, a free port, never the
    machine's own server); each test takes a fresh database of it (`fresh_database()`)."""
    server = Postgres().start()
    yield server
    server.cleanup()


# Hypothesis fails an example slower than 200 ms, and a strategy slow to draw from, by default:
# on a busy machine that is the machine, not a bug. What a property test asserts never depends
# on time (performance is measured by bench/).
hypothesis_settings.register_profile(
    "store-edge", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("store-edge")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The embedded default (demo catalogue and staff) with its data under a fresh directory."""
    return load_settings(None, {"data_dir": tmp_path / "var"})


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The node's HTTP API without the UI, its database on disk."""
    with TestClient(create_app(settings, ui=False)) as c:
        yield c


@pytest.fixture
def ctx(client: TestClient) -> Context:
    return client.app.state.ctx  # type: ignore[attr-defined]


def login(client: TestClient, username: str = "cashier", pin: str = "1234") -> dict[str, str]:
    """Bearer header for a demo account."""
    r = client.post("/api/v1/sessions", json={"username": username, "pin": pin})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
