"""The ERP reads the hub's feed from cursor 0 while stores keep trading, the broker is
restarted and the hub is SIGKILLed: every document is in the feed exactly once, in order."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from fastapi.testclient import TestClient

from sync.hub import tokens
from sync.hub.store import open_storage
from sync.hub.tokens import Scope
from tests.conftest import login
from tests.integration.sync.brokers import Broker, free_port, wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, sell
from tests.waiting import TIMEOUT_S

SKUS = ("BAK-001-11", "BAK-001-12", "DAI-011-11")
ROUNDS = 60


class HubProcess:
    """`store-edge hub` in a child process on a fixed port (the reader keeps its URL)."""

    def __init__(self, data_dir: Path, broker: Broker, database: str) -> None:
        self.data_dir, self.broker, self.port = data_dir, broker, free_port()
        self.database = database
        self.url = f"http://127.0.0.1:{self.port}/api/v1/feed"
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        cli = Path(sys.executable).parent / "store-edge"
        return subprocess.Popen(
            [str(cli), "hub", "--data-dir", str(self.data_dir), "--port", str(self.port),
             "--broker", self.broker.url, "--database", self.database],
            env={**os.environ, "STORE_EDGE_HUB_LOG_LEVEL": "WARNING",
                 "STORE_EDGE_HUB_COMMAND_RESEND_S": "1"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def healthy(self) -> bool:
        try:
            return httpx.get(self.url.replace("/feed", "/healthz"), timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def kill_and_restart(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(TIMEOUT_S)
        self.proc = self._start()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(TIMEOUT_S)


class Reader:
    """The ERP: pages the feed on from its last cursor; a hub that is down is tried again."""

    def __init__(self, hub: HubProcess, token: str) -> None:
        self.hub, self.items, self.cursor = hub, list[dict[str, Any]](), 0
        self.headers = {"Authorization": f"Bearer {token}"}

    def read(self) -> int:
        try:
            r = httpx.get(self.hub.url, params={"after": self.cursor, "limit": 25},
                          headers=self.headers, timeout=5)  # fmt: skip
        except httpx.TransportError:
            return 0
        if r.status_code == 503:
            return 0  # a hub still starting
        assert r.status_code == 200, r.text
        page = r.json()
        self.items += page["items"]
        self.cursor = page["next"]
        return len(page["items"])


def _write_off(client: TestClient, auth: dict[str, str], sku: str) -> str:
    body = {"reason": "damaged", "lines": [{"sku": sku, "qty": 1}]}
    r = client.post("/api/v1/write-offs", headers=auth, json=body)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_the_feed_survives_a_broker_restart_and_a_killed_hub(
    tmp_path: Path, broker: Broker, node: NodeFactory, database_url: str
) -> None:
    hub = HubProcess(tmp_path / "hub", broker, database_url)
    try:
        wait_for(hub.healthy, what="the hub to answer (its database migrated)")
        a, b = node("A", batch_max_events=3), node("B", batch_max_events=3)
        auth_a, auth_b = login(a), login(b)
        storage = open_storage(database_url, tmp_path / "hub")
        try:
            reader = Reader(hub, tokens.create(storage, "erp", [Scope.READ]))  # the ERP's token
        finally:
            storage.close()
        sales, write_offs = set(), set()
        for i in range(ROUNDS):
            sales.add(sell(ctx_of(a), SKUS[i % 3]))
            write_offs.add(_write_off(b, auth_b, SKUS[i % 3]))
            if i % 4 == 0:
                write_offs.add(_write_off(a, auth_a, SKUS[(i + 1) % 3]))
            reader.read()
            if i == ROUNDS // 3:
                broker.restart()
            if i == 2 * ROUNDS // 3:
                wait_for(lambda: len(reader.items) > 0 or reader.read() > 0)
                hub.kill_and_restart()
        wait_for(lambda: depth(ctx_of(a)) == 0 and depth(ctx_of(b)) == 0, timeout=3 * TIMEOUT_S)
        expected = len(sales) + len(write_offs)

        def read_all() -> bool:
            while reader.read():
                pass
            docs = [i for i in reader.items if i["type"] != "stock.adjusted"]
            return len(docs) >= expected

        wait_for(read_all, timeout=3 * TIMEOUT_S)
    finally:
        hub.stop()
    items = reader.items
    assert [i["cursor"] for i in items] == list(range(1, len(items) + 1))
    assert len({(i["store_id"], i["seq"]) for i in items}) == len(items)  # each once
    for store in ("A", "B"):
        seqs = [i["seq"] for i in items if i["store_id"] == store]
        assert seqs == sorted(seqs)  # in each store's order
    got_sales = [i["data"]["receipt_no"] for i in items if i["type"] == "sale.completed"]
    got_write_offs = [i["data"]["write_off_id"] for i in items
                      if i["type"] == "write_off.completed"]  # fmt: skip
    assert sorted(got_sales) == sorted(sales)
    assert sorted(got_write_offs) == sorted(write_offs)
