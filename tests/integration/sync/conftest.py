"""Fixtures for replication tests: a real broker, an in-process hub, in-process nodes."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.node import load_settings
from edge.services import baskets
from edge.services.auth import Actor
from edge.services.checkout import checkout
from edge.services.context import Context
from sync.hub import tokens
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.tokens import Scope
from tests.integration.sync.brokers import Broker

FAST_SYNC = {"resend_after_s": 1.0, "status_every_s": 0.5}


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    b = Broker(tmp_path / "broker").start()
    yield b
    b.stop()


def hub_settings(data_dir: Path, broker_url: str | None, **extra: object) -> HubSettings:
    broker = extra.pop("broker", {"url": broker_url})
    return HubSettings(
        data_dir=data_dir,
        broker=broker,  # type: ignore[arg-type]
        command_resend_s=1.0,
        log_format="console",
        **extra,  # type: ignore[arg-type]
    )


# What the tests' own calls to the hub may do: everything but speak for a store.
OFFICE = (Scope.ORDERS, Scope.CATALOG, Scope.READ, Scope.CRM, Scope.ERP)


def hub_token(hub: Hub, *scopes: Scope, store: str | None = None) -> str:
    """A new API token of `hub` with `scopes` (a fresh name each time)."""
    return tokens.create(hub.storage, f"test-{uuid.uuid4().hex[:8]}", list(scopes), store)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def hub_client(hub: Hub, *, run: bool = True, **kwargs: Any) -> TestClient:
    """A client of the hub's HTTP API that sends an OFFICE token with every request."""
    headers = bearer(hub_token(hub, *OFFICE))
    return TestClient(create_hub_app(hub, run=run), headers=headers, **kwargs)


@pytest.fixture
def hub(tmp_path: Path, broker: Broker) -> Iterator[TestClient]:
    """The hub's HTTP API (its lifespan runs the MQTT side); `.app.state.hub` is the Hub."""
    h = Hub(hub_settings(tmp_path / "hub", broker.url))
    with hub_client(h) as c:
        yield c


NodeFactory = Callable[..., TestClient]


# Replication tests count events: one per sale. A fiscal device adds `sale.fiscalised` after
# each (tests/integration/sync/test_fiscal_replication.py follows that one to the hub).
NO_FISCAL_DEVICE: dict[str, object] = {"device": "none", "required": False}


@pytest.fixture
def node(tmp_path: Path, broker: Broker) -> Iterator[NodeFactory]:
    """Starts edge nodes (HTTP API without UI, sync agent running) for given store ids."""
    started: list[TestClient] = []

    def start(
        store_id: str = "S001",
        *,
        hub_dir: Path | None = None,
        fiscal: dict[str, object] | None = None,
        **sync: object,
    ) -> TestClient:
        settings = load_settings(
            None,
            {
                "data_dir": tmp_path / store_id,
                "store": {"id": store_id},
                "broker": {"url": broker.url, "hub_key": (hub_dir or tmp_path / "hub") / "hub.pub"},
                "sync": {**FAST_SYNC, **sync},
                "fiscal": fiscal or NO_FISCAL_DEVICE,
            },
        )
        c = TestClient(create_app(settings, ui=False))
        c.__enter__()
        started.append(c)
        return c

    yield start
    for c in reversed(started):
        c.__exit__(None, None, None)


def ctx_of(client: TestClient) -> Context:
    return client.app.state.ctx  # type: ignore[attr-defined,no-any-return]


def hub_of(client: TestClient) -> Hub:
    return client.app.state.hub  # type: ignore[attr-defined,no-any-return]


CASHIER = Actor("cashier", Role.CASHIER, "01")


def sell(ctx: Context, sku: str, qty: int = 1) -> str:
    """One real checkout through the node's services; returns the receipt number."""
    view = baskets.create_basket(ctx, CASHIER)
    view, _ = baskets.add_line(ctx, view.basket.id, sku=sku, qty=qty)
    result = checkout(ctx, CASHIER, view.basket.id, [Tender("card", view.priced.total, "T1")])
    return result.sale.receipt_no


def depth(ctx: Context) -> int:
    from edge.store import outbox

    with ctx.db.read() as conn:
        return outbox.depth(conn)[0]


def settings_for_node(tmp_path: Path, store_id: str, broker_url: str):  # type: ignore[no-untyped-def]
    return load_settings(
        None,
        {
            "data_dir": tmp_path / store_id,
            "store": {"id": store_id},
            "broker": {"url": broker_url, "hub_key": tmp_path / "hub" / "hub.pub"},
            "sync": FAST_SYNC,
            "fiscal": NO_FISCAL_DEVICE,
        },
    )
