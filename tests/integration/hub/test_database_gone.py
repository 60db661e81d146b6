"""The hub's PostgreSQL goes away under it: callers get a 503 problem they can retry (never a
500), the token check included, and the hub answers again once the database is back."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from sync.hub import tokens
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.tokens import Scope
from tests.integration.sync.postgres import Postgres
from tests.waiting import wait_until


def test_a_lost_database_is_a_503_and_the_hub_recovers(tmp_path: Path) -> None:
    server = Postgres().start()
    try:
        url = server.fresh_database()
        hub = Hub(HubSettings(data_dir=tmp_path / "hub", database={"url": url},
                              log_format="console"))  # fmt: skip
        token = tokens.create(hub.storage, "office", [Scope.READ])
        auth = {"Authorization": f"Bearer {token}"}
        with TestClient(create_hub_app(hub, run=False)) as client:
            assert client.get("/api/v1/stores", headers=auth).status_code == 200
            server.stop()  # the pool's connections are now broken
            for _ in range(2):  # a dropped connection, then a pool that cannot connect
                r = client.get("/api/v1/stores", headers=auth)
                assert r.status_code == 503, r.text
                assert r.headers["content-type"] == "application/problem+json"
            server.start()
            wait_until(
                lambda: client.get("/api/v1/stores", headers=auth).status_code == 200,
                what="the hub answering again",
            )
        hub.close()
    finally:
        server.cleanup()
