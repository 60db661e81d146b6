"""Selling through the HTTP API and waiting on the print queue, for the devices tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi.testclient import TestClient

from tests.waiting import TIMEOUT_S, wait_until

T = TypeVar("T")

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


def wait_for(condition: Callable[[], T], timeout: float = TIMEOUT_S, what: str = "") -> T:
    """Kept for the devices tests: the same as tests.waiting.wait_until."""
    return wait_until(condition, timeout, what)
