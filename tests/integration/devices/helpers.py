"""Selling through the HTTP API and waiting on the print queue, for the devices tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

MILK = "DAI-006-11"  # demo catalogue: Mleko 2% 1 l, 3,89


def sell(client: TestClient, headers: dict[str, str], tender: str = "card") -> dict[str, Any]:
    basket = client.post("/api/v1/baskets", headers=headers).json()
    r = client.post(f"/api/v1/baskets/{basket['id']}/lines", headers=headers,
                    json={"sku": MILK, "qty": 2})  # fmt: skip
    assert r.status_code == 201, r.text
    total = r.json()["total"]
    amount = total + (111 if tender == "cash" else 0)
    r = client.post(f"/api/v1/baskets/{basket['id']}/checkout", headers=headers,
                    json={"tenders": [{"type": tender, "amount": amount}]})  # fmt: skip
    assert r.status_code == 201, r.text
    return r.json()


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or condition}")
