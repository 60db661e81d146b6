"""The kiosk screen's own listener (`[http] kiosk_port`): over real HTTP it serves the kiosk
pages, their NiceGUI assets and the kiosk API, and nothing else (not the till, not the rest of
the API), while the node's main port serves everything."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.node import Node, free_port
from tests.waiting import TIMEOUT_S


def test_the_kiosk_port_serves_the_kiosk_and_nothing_else(tmp_path: Path) -> None:
    kiosk_port = free_port()
    node = Node(tmp_path / "node", env={"STORE_EDGE_HTTP__KIOSK_PORT": str(kiosk_port)})
    try:
        node.wait_ready()
        kiosk = httpx.Client(base_url=f"http://127.0.0.1:{kiosk_port}", timeout=TIMEOUT_S)
        main = httpx.Client(base_url=node.url, timeout=TIMEOUT_S)
        page = kiosk.get("/kiosk")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assets = re.findall(r'(?:src|href)="(/_nicegui/[^"]+)"', page.text)
        assert assets, page.text[:500]
        for asset in assets[:5]:
            assert kiosk.get(asset).status_code == 200, asset
        # The kiosk API is there (an unknown request is the route's own 404 problem) ...
        lookup = kiosk.get("/api/v1/kiosk/orders/no-such-request")
        assert lookup.headers["content-type"] == "application/problem+json"
        assert lookup.json()["code"] != "kiosk-only", lookup.json()
        # ... the till and the rest of the API are not.
        for method, path in (
            ("GET", "/pos"),
            ("GET", "/"),
            ("GET", "/docs"),
            ("GET", "/api/v1/catalog/products"),
            ("POST", "/api/v1/sessions"),
            ("GET", "/metrics"),
        ):
            r = kiosk.request(method, path, json={"username": "cashier", "pin": "1234",
                                                  "register": "01"})  # fmt: skip
            assert r.status_code == 404, (method, path, r.status_code)
            assert r.headers["content-type"] == "application/problem+json"
        assert main.get("/pos").status_code == 200
        r = main.post("/api/v1/sessions",
                      json={"username": "cashier", "pin": "1234", "register": "01"})  # fmt: skip
        assert r.status_code in (200, 201), r.text
    finally:
        node.stop()
