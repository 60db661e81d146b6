"""A refund set by the hub's answer is only as good as that answer: a real hub (HTTP on a free
port) answers a store's receipt lookup signed for that store, and the node refuses an answer
altered on the way (a proxy in between), unsigned, stale, or signed for another store."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from edge.services.hub_lookup import warn_about_config
from sync.hub import tokens
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.store import sales as sales_repo
from sync.hub.tokens import Scope
from tests.conftest import login
from tests.integration.sync.brokers import free_port, wait_for
from tests.integration.sync.test_tls import _certs
from tests.waiting import TIMEOUT_S

RECEIPT, DEARER = "S002-01-000005", "S002-01-000006"
BREAD = "BAK-001-11"  # 5,49 zł in the demo catalogue
Alter = Callable[[dict[str, Any]], dict[str, Any]]


@contextmanager
def serving(app: Any, **ssl: Any) -> Iterator[int]:
    """`app` (ASGI) on a free port of 127.0.0.1 in a thread."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off",
                            **ssl)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, what="the hub's HTTP server started")
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(TIMEOUT_S)


@contextmanager
def proxy(upstream: str, alter: list[Alter]) -> Iterator[str]:
    """An HTTP proxy to the hub that passes each JSON answer through `alter[0]` on the way."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            r = httpx.get(upstream + self.path, headers={"Authorization":
                          self.headers.get("Authorization", "")}, timeout=TIMEOUT_S)  # fmt: skip
            body = json.dumps(alter[0](r.json())).encode()
            self.send_response(r.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _sold_at_s002(hub: Hub) -> None:
    at = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    with hub.storage.transaction() as tx:
        for receipt, qty in ((RECEIPT, 2), (DEARER, 20)):
            tenders = [{"type": "card", "amount": 549 * qty, "reference": "T-77"}]
            sales_repo.add_sale(
                tx, receipt_no=receipt, store_id="S002", at=at, currency="PLN", total=549 * qty,
                tenders=json.dumps(tenders),
                lines=[(receipt, 1, at, BREAD, qty, 549, 549 * qty, "C")],
            )  # fmt: skip


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(HubSettings(data_dir=tmp_path / "hub", log_format="console"))
    _sold_at_s002(h)
    yield h
    h.close()


@pytest.fixture
def hub_app(hub: Hub) -> FastAPI:
    return create_hub_app(hub, run=False)


@contextmanager
def store_node(tmp_path: Path, store_id: str, hub_url: str, token: str,
               **hub: Any) -> Iterator[TestClient]:  # fmt: skip
    settings = load_settings(None, {
        "data_dir": tmp_path / store_id, "store": {"id": store_id},
        "broker": {"hub_key": tmp_path / "hub" / "hub.pub"},
        "hub": {"url": hub_url, "token": token, **hub},
    })  # fmt: skip
    with TestClient(create_app(settings, ui=False)) as c:
        yield c


def _lookup(node: TestClient) -> httpx.Response:
    r: httpx.Response = node.get(
        "/api/v1/returns/lookup", params={"receipt_no": RECEIPT}, headers=login(node)
    )
    return r


def _refused(node: TestClient, reason: str) -> None:
    r = _lookup(node)
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "hub-answer-refused" and r.json()["reason"] == reason
    metrics = node.get("/metrics").text
    assert f'store_edge_hub_answers_refused_total{{reason="{reason}"}} 1.0' in metrics


def _tenfold(body: dict[str, Any]) -> dict[str, Any]:
    lines = [{**ln, "total": ln["total"] * 10} for ln in body.get("lines", [])]
    tenders = [{**t, "amount": t["amount"] * 10} for t in body.get("tenders", [])]
    return {**body, "total": body.get("total", 0) * 10, "lines": lines, "tenders": tenders}


def test_an_answer_altered_on_the_way_is_refused_at_the_till(
    tmp_path: Path, hub: Hub, hub_app: FastAPI
) -> None:
    token = tokens.create(hub.storage, "S001", [Scope.STORE], "S001")
    alter: list[Alter] = [lambda body: body]
    with (
        serving(hub_app) as port,
        proxy(f"http://127.0.0.1:{port}", alter) as via,
        store_node(tmp_path, "S001", via, token) as node,
    ):
        r = _lookup(node)  # passed through untouched: used
        assert r.status_code == 200, r.text
        assert r.json()["lines"][0]["total"] == 1098
        alter[0] = _tenfold
        _refused(node, "bad-signature")
        h = login(node)
        before = node.get("/api/v1/sync/status").json()["outbox_depth"]
        body = {"receipt_no": RECEIPT, "lines": [{"sku": BREAD, "qty": 1,
                "reason": "changed_mind", "disposition": "restock"}]}  # fmt: skip
        r = node.post("/api/v1/returns", json=body, headers=h)
        assert r.status_code == 503 and r.json()["code"] == "hub-answer-refused"
        assert node.get("/api/v1/sync/status").json()["outbox_depth"] == before
        alter[0] = lambda body: {k: v for k, v in body.items() if k != "signature"}
        r = _lookup(node)
        assert r.status_code == 503 and r.json()["reason"] == "unsigned"
        # A real signed answer, but about another receipt (a dearer one).
        other = f"http://127.0.0.1:{port}/api/v1/receipts/{DEARER}"
        auth = {"Authorization": f"Bearer {token}"}
        alter[0] = lambda body: httpx.get(other, headers=auth, timeout=TIMEOUT_S).json()
        r = _lookup(node)
        assert r.status_code == 503 and r.json()["reason"] == "other-purchase"


def test_an_answer_for_another_store_or_too_old_is_refused(
    tmp_path: Path, hub: Hub, hub_app: FastAPI
) -> None:
    s1 = tokens.create(hub.storage, "S001", [Scope.STORE], "S001")
    with serving(hub_app) as port:
        url = f"http://127.0.0.1:{port}"
        # S002's node holding S001's token: the hub signs the answer for S001.
        with store_node(tmp_path, "S002", url, s1) as node:
            _refused(node, "other-store")
        with store_node(tmp_path, "S001", url, s1, answer_max_age_s=0.000001) as node:
            _refused(node, "stale")
        s2 = tokens.create(hub.storage, "S002", [Scope.STORE], "S002")
        with store_node(tmp_path, "S002", url, s2) as node:  # its own token: signed for it
            assert _lookup(node).status_code == 200


def test_a_hub_over_https_with_a_private_ca(tmp_path: Path, hub: Hub, hub_app: FastAPI) -> None:
    ca, cert, key = _certs(tmp_path / "tls")
    token = tokens.create(hub.storage, "S001", [Scope.STORE], "S001")
    with serving(hub_app, ssl_certfile=str(cert), ssl_keyfile=str(key)) as port:
        url = f"https://127.0.0.1:{port}"
        with store_node(tmp_path, "S001", url, token, ca_file=ca) as node:
            r = _lookup(node)
            assert r.status_code == 200 and r.json()["lines"][0]["total"] == 1098
        with store_node(tmp_path, "S001", url, token) as node:  # the system CAs do not know it
            assert _lookup(node).json()["code"] == "hub-unavailable"


def test_plain_http_to_another_machine_is_warned_about_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with store_node(tmp_path, "S001", "http://127.0.0.1:9", "t"):
        pass
    assert "plain http" not in caplog.text
    with store_node(tmp_path, "S001", "http://hub.example.com:8090", "seh_secret"):
        pass
    assert "plain http to another machine" in caplog.text
    assert "seh_secret" not in caplog.text and "without [hub] token" not in caplog.text
    settings = load_settings(None, {"data_dir": tmp_path / "S003", "store": {"id": "S003"},
                                    "hub": {"url": "https://hub.example.com"}})  # fmt: skip
    warn_about_config(settings)
    assert "without [hub] token" in caplog.text
    assert "token create S003 --scope store --store S003" in caplog.text
