"""Fixtures for fuzzing the HTTP APIs: an edge node and a hub (no broker), both in process,
their databases on disk, plus helpers that check the error contract and that nothing changed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from edge.store.db import Database
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from tests.conftest import login
from tests.integration.sync.conftest import OFFICE, bearer, hub_token

PROBLEM_JSON = "application/problem+json"
# Tables a refused request may legitimately touch: a wrong PIN counts a failed attempt (per
# account and per client address), and logins open sessions. Full-text shadow tables follow
# `products`; sync state is the agent's. hub_maintenance: the hub worker marks its housekeeping
# runs on its own.
VOLATILE = (
    "users",
    "login_addresses",
    "sessions",
    "sqlite_sequence",
    "sync_state",
    "hub_maintenance",
)
# Background workers move these rows on by themselves; only what a request writes is compared.
# A token's last use is the hub's bookkeeping of who called, whatever the answer.
WORKER_OWNED = {
    "print_jobs": "id, printer, kind, ref, payload, created_at",
    "hub_api_tokens": "name, token_hash, scopes, store_id, created_at",
}


def assert_problem(status: int, content_type: str, body: bytes, what: str) -> None:
    """The project's error contract: never a 5xx, and every 4xx is RFC 9457 problem+json."""
    assert status < 500, f"{what} -> {status}: {body[:500]!r}"
    if status >= 400:
        assert content_type.split(";")[0].strip() == PROBLEM_JSON, (
            f"{what} -> {status} as {content_type!r}: {body[:300]!r}"
        )


def fingerprint(db: Database) -> dict[str, str]:
    """A digest per table of every row (but the volatile tables), to prove a refusal wrote
    nothing; compare two with `changed`."""
    digests: dict[str, str] = {}
    with db.read() as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%' "
                "ORDER BY name"
            )
            if r[0] not in VOLATILE
        ]
        for table in tables:
            digest = hashlib.blake2b(digest_size=16)
            columns = WORKER_OWNED.get(table, "*")
            for row in conn.execute(f'SELECT {columns} FROM "{table}" ORDER BY rowid'):
                digest.update(repr(tuple(row)).encode())
            digests[table] = digest.hexdigest()
    return digests


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


@pytest.fixture
def edge_app(tmp_path: Path) -> Iterator[FastAPI]:
    settings = load_settings(None, {"data_dir": tmp_path / "edge"})
    app = create_app(settings, ui=False)
    yield app


@pytest.fixture
def edge_client(edge_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(edge_app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def cashier(edge_client: TestClient) -> dict[str, str]:
    return login(edge_client)


@pytest.fixture
def hub_app(tmp_path: Path) -> Iterator[FastAPI]:
    hub = Hub(HubSettings(data_dir=tmp_path / "hub", log_format="console"))  # no broker
    yield create_hub_app(hub)


@pytest.fixture
def hub_auth(hub_app: FastAPI) -> dict[str, str]:
    """An office token of the hub (every scope but a store's)."""
    return bearer(hub_token(hub_app.state.hub, *OFFICE))


@pytest.fixture
def hub_client(hub_app: FastAPI, hub_auth: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(hub_app, raise_server_exceptions=False, headers=hub_auth) as c:
        yield c


def db_of(app: Any) -> Database:
    state = app.state
    return state.ctx.db if hasattr(state, "ctx") else state.hub.db


def assert_refused_unchanged(
    client: TestClient, method: str, path: str, status: int, **kwargs: Any
) -> Any:
    """Sends one request; asserts the given 4xx as problem+json and an untouched database."""
    db = db_of(client.app)
    before = fingerprint(db)
    r = client.request(method, path, **kwargs)
    assert r.status_code == status, r.text[:500]
    assert_problem(r.status_code, r.headers.get("content-type", ""), r.content, f"{method} {path}")
    assert r.json()["status"] == status
    wrote = changed(before, fingerprint(db))
    assert not wrote, f"{method} {path} -> {r.status_code} wrote to {wrote}"
    return r
