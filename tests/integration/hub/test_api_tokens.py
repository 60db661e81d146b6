"""Who may call the hub: named tokens with scopes, kept hashed in the hub's storage (SQLite and
PostgreSQL), and a guard on every route but /healthz. The route table is walked, so a route
added without a guard fails here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from edge import signing
from edge.domain.errors import Conflict, InvalidInput, NotFound
from sync.hub import tokens
from sync.hub.api import create_hub_app
from sync.hub.api_auth import scopes_of
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.store import Storage
from sync.hub.tokens import Scope
from tests.integration.sync.conftest import bearer

OPEN = {"/api/v1/healthz"}
# What an anonymous caller may not make the hub read: refused before its body is parsed.
BAD_BODY = {"content": b"{not json", "headers": {"content-type": "application/json"}}


def test_a_token_is_shown_once_kept_hashed_listed_and_revoked(storage: Storage) -> None:
    token = tokens.create(storage, "web-shop", [Scope.ORDERS, Scope.READ])
    store = tokens.create(storage, "S001", [Scope.STORE], "S001")
    with storage.read() as tx:
        dump = repr([dict(r) for r in tx.all("SELECT * FROM hub_api_tokens")])
    assert token not in dump and store not in dump  # only hashes are kept
    caller = tokens.authenticate(storage, token)
    assert caller is not None and caller.scopes == {Scope.ORDERS, Scope.READ}
    assert caller.store_id is None
    assert tokens.authenticate(storage, store).store_id == "S001"  # type: ignore[union-attr]
    assert tokens.authenticate(storage, token + "x") is None
    listed = {r["name"]: r for r in tokens.listing(storage)}
    assert listed["web-shop"]["scopes"] == ["orders", "read"]
    assert listed["web-shop"]["last_used_at"] is not None
    assert listed["S001"]["store_id"] == "S001"
    assert all("token_hash" not in r for r in listed.values())
    with pytest.raises(Conflict):
        tokens.create(storage, "web-shop", [Scope.ORDERS])
    tokens.revoke(storage, "web-shop")
    assert tokens.authenticate(storage, token) is None
    with pytest.raises(NotFound):
        tokens.revoke(storage, "web-shop")


@pytest.mark.parametrize(
    ("name", "scopes", "store"),
    [
        ("s", [Scope.STORE], None),  # a store token names its store
        ("s", [Scope.READ], "S001"),  # and only a store token does
        ("s", [], None),
        ("bad name", [Scope.READ], None),
        ("s", [Scope.STORE], "S 1"),
    ],
)
def test_bad_tokens_are_refused(
    storage: Storage, name: str, scopes: list[Scope], store: str | None
) -> None:
    with pytest.raises(InvalidInput):
        tokens.create(storage, name, scopes, store)
    assert tokens.listing(storage) == []


@pytest.fixture
def hub_app(tmp_path: Path, database_url: str) -> Iterator[FastAPI]:
    hub = Hub(HubSettings(data_dir=tmp_path / "hub", database={"url": database_url},
                          log_format="console"))  # fmt: skip
    yield create_hub_app(hub, run=False)
    hub.close()


def _api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every API route with its full path (FastAPI keeps an included router's routes inside)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(inner.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route


def _guarded(app: FastAPI) -> list[tuple[str, str, frozenset[Scope]]]:
    """(method, path, scopes) of every route but the open ones; path parameters filled in."""
    out = []
    for full, route in _api_routes(app.routes):
        if full in OPEN:
            continue
        path = full.replace("{", "").replace("}", "")
        for method in sorted(route.methods or ()):
            out.append((method, path, scopes_of(route.dependant)))
    return out


def test_every_route_but_healthz_needs_a_token_with_its_scope(hub_app: FastAPI) -> None:
    hub: Hub = hub_app.state.hub
    routes = _guarded(hub_app)
    assert len(routes) >= 9
    unguarded = [f"{m} {p}" for m, p, scopes in routes if not scopes]
    assert not unguarded, f"routes without require_scope(...): {unguarded}"
    revoked = tokens.create(hub.storage, "gone", [Scope.ORDERS, Scope.READ])
    tokens.revoke(hub.storage, "gone")
    with TestClient(hub_app) as c:
        assert c.get("/api/v1/healthz").status_code == 200
        for method, path, scopes in routes:
            for headers in ({}, bearer("seh_not-a-token"), bearer(revoked),
                            {"Authorization": "Basic dXNlcjpwdw=="}):  # fmt: skip
                r = c.request(method, path, headers=headers)
                assert r.status_code == 401, (method, path, headers, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
                assert r.headers["www-authenticate"] == "Bearer"
            r = c.request(method, path, **BAD_BODY)  # type: ignore[arg-type]
            assert r.status_code == 401, (method, path, r.text)
            others = [s for s in Scope if s not in scopes]
            wrong = tokens.create(
                hub.storage, f"wrong-{len(tokens.listing(hub.storage))}", others,
                "S001" if Scope.STORE in others else None,
            )  # fmt: skip
            r = c.request(method, path, headers=bearer(wrong))
            assert r.status_code == 403, (method, path, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert set(r.json()["needs"]) == {s.value for s in scopes}
            for scope in scopes:
                right = tokens.create(
                    hub.storage, f"right-{len(tokens.listing(hub.storage))}", [scope],
                    "S001" if scope is Scope.STORE else None,
                )  # fmt: skip
                r = c.request(method, path, headers=bearer(right))
                assert r.status_code not in (401, 403), (method, path, scope, r.text)


def test_each_caller_gets_what_its_scope_says(hub_app: FastAPI) -> None:
    hub: Hub = hub_app.state.hub
    shop = bearer(tokens.create(hub.storage, "shop", [Scope.ORDERS]))
    pim = bearer(tokens.create(hub.storage, "pim", [Scope.CATALOG]))
    s1 = bearer(tokens.create(hub.storage, "S001", [Scope.STORE], "S001"))
    order = {"store_id": "S002", "lines": [{"sku": "BAK-001-11", "qty": 1}],
             "customer": {"name": "Anna", "phone": "+48600100200"}, "prepaid": True}  # fmt: skip
    with TestClient(hub_app) as c:
        made = c.post("/api/v1/orders", json=order, headers=shop)
        assert made.status_code == 201, made.text
        oid = made.json()["order_id"]
        # A store's token cannot make, cancel or list anything, for another store or its own.
        assert c.post("/api/v1/orders", json=order, headers=s1).status_code == 403
        assert c.post(f"/api/v1/orders/{oid}/cancel", json={}, headers=s1).status_code == 403
        for path in ("/api/v1/returns", "/api/v1/stores", "/api/v1/availability/BAK-001-11"):
            assert c.get(path, headers=s1).status_code == 403
        # The PIM imports; the web shop cannot.
        csv = b"sku,name_pl,price,vat\nNEW-1,Nowy,2.50,A\n"
        ctype = {"content-type": "text/csv"}
        for who, status in ((shop, 403), (pim, 200)):
            r = c.post("/api/v1/catalog/import", content=csv, headers={**who, **ctype})
            assert r.status_code == status, r.text
        # A store's lookup is answered signed for that store, and only for it.
        r = c.get(f"/api/v1/orders/{oid}", headers=s1)
        assert r.status_code == 200
        assert r.json()["signed_for"] == {**r.json()["signed_for"], "kind": "order", "ref": oid,
                                          "store_id": "S001"}  # fmt: skip
        body = r.json()
        signed = {k: v for k, v in body.items() if k != "signature"}
        assert signing.verify(hub.key.public_key(), signed, body["signature"])  # either engine
    listed = {t["name"]: t for t in tokens.listing(hub.storage)}
    assert listed["S001"]["last_used_at"] and listed["pim"]["last_used_at"]
