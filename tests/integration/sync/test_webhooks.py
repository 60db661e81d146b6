"""Webhooks: a receiver (a real HTTP server) that fails its first attempts still gets every
feed item once, in order, signed; the delivery status is in the hub's /metrics."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sync.hub.config import HubSettings, HubWebhooks
from sync.hub.service import Hub
from sync.hub.store import feed as feed_repo
from sync.hub.webhooks import WebhookSender
from tests.conftest import login
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import (
    NodeFactory,
    ctx_of,
    depth,
    hub_client,
    hub_settings,
    sell,
)

SECRET = "a-secret-of-sixteen-or-more"


class Receiver(ThreadingHTTPServer):
    """Answers 503 to its first `fail` POSTs (or drops the connection), then 204; keeps what
    it took and whether every signature held."""

    def __init__(self, fail: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fail, self.posts, self.bad_signatures = fail, 0, 0
        self.items: list[dict[str, Any]] = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook?token=abc"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        srv = self.server
        srv.posts += 1
        if srv.posts <= srv.fail:
            self.send_response(503)
            self.end_headers()
            return
        mac = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if self.headers["X-Store-Edge-Signature"] != f"sha256={mac}":
            srv.bad_signatures += 1
        srv.items += json.loads(body)["items"]
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=3)
    yield r
    r.shutdown()


def test_a_failing_receiver_still_gets_each_item_once(
    tmp_path: Path, broker: Broker, node: NodeFactory, receiver: Receiver
) -> None:
    hooks = {"url": receiver.url, "secret": SECRET, "batch": 4, "retry_min_s": 0.05,
             "retry_max_s": 0.2, "poll_s": 0.05}  # fmt: skip
    h = Hub(hub_settings(tmp_path / "hub", broker.url, webhooks=hooks))
    with hub_client(h) as hub:
        a = node("A")
        receipts = [sell(ctx_of(a), "BAK-001-11") for _ in range(6)]
        theft = {"reason": "theft", "lines": [{"sku": "BAK-001-12", "qty": 1}]}
        r = a.post("/api/v1/write-offs", headers=login(a), json=theft)
        assert r.status_code == 201, r.text
        wait_for(lambda: depth(ctx_of(a)) == 0)
        fed = hub.get("/api/v1/feed", params={"limit": 1000}).json()["items"]
        target = f'target="http://127.0.0.1:{receiver.server_address[1]}/hook"'
        done = f"store_edge_hub_webhook_pending_items{{{target}}} 0.0"
        wait_for(lambda: len(receiver.items) >= len(fed) >= 7 and done in hub.get("/metrics").text)
        metrics = hub.get("/metrics").text
    assert receiver.items == fed  # each once, in order, as the feed has them
    assert [i["data"]["receipt_no"] for i in fed if i["type"] == "sale.completed"] == receipts
    assert receiver.posts >= 3 + 2 and receiver.bad_signatures == 0
    assert f"store_edge_hub_webhook_failures{{{target}}} 0.0" in metrics
    assert "token=abc" not in metrics  # no query string (a credential) in a label


def test_a_webhook_without_a_secret_is_a_startup_error(tmp_path: Path) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="needs a secret"):
        HubSettings(data_dir=tmp_path, webhooks={"url": "http://127.0.0.1:9/x"})  # type: ignore[arg-type]


def test_two_hub_workers_send_each_page_once(tmp_path: Path, receiver: Receiver) -> None:
    """Workers of one hub share the target's lease: while one sends a page, the other waits."""
    receiver.fail = 0
    hooks = HubWebhooks(url=receiver.url, secret=SECRET, batch=3, retry_min_s=0.01)
    h = Hub(hub_settings(tmp_path / "hub", None))
    try:
        with h.storage.transaction() as tx:
            feed_repo.append(tx, [("A", i, "sale.completed", "2026-01-01T00:00:00+00:00",
                                   "2026-01-01T00:00:00+00:00", f'{{"n":{i}}}')
                                  for i in range(1, 61)])  # fmt: skip
        senders = [WebhookSender(h.storage, hooks) for _ in range(2)]

        def work(sender: WebhookSender) -> None:
            while len(receiver.items) < 60:
                sender.send_once()

        threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in senders]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        h.close()
    assert [i["cursor"] for i in receiver.items] == list(range(1, 61))  # none twice, in order
