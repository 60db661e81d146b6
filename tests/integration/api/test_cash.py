"""Cash in and out of the drawer outside a sale."""

from __future__ import annotations

import json
import sqlite3

from fastapi.testclient import TestClient

from edge.config import Settings
from tests.conftest import login


def test_cash_in_out_with_approval_and_the_drawer_figure(
    client: TestClient, settings: Settings
) -> None:
    cashier = login(client)
    r = client.post("/api/v1/cash", headers=cashier,
                    json={"kind": "in", "amount": 20000, "reason": "float"})  # fmt: skip
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/cash", headers=cashier, json={"kind": "out", "amount": 5000})
    assert r.status_code == 403 and r.json()["code"] == "approval-required"
    r = client.post("/api/v1/cash", headers=cashier, json={
        "kind": "out", "amount": 5000, "reason": "bank drop",
        "approver": {"username": "supervisor", "pin": "4321"}})  # fmt: skip
    assert r.status_code == 201 and r.json()["approved_by"] == "supervisor"
    for bad in ({"kind": "sideways", "amount": 1}, {"kind": "in", "amount": 0},
                {"kind": "in", "amount": 10**12}):  # fmt: skip
        assert client.post("/api/v1/cash", headers=cashier, json=bad).status_code == 422
    assert client.post("/api/v1/cash", json={"kind": "in", "amount": 1}).status_code == 401
    x = client.post("/api/v1/devices/reports/x", headers=cashier).json()["report"]
    assert (x["cash_in"], x["cash_out"], x["cash"]) == (20000, 5000, 15000)
    with sqlite3.connect(settings.db_path) as conn:
        events = [json.loads(d) for (d,) in conn.execute(
            "SELECT data FROM outbox WHERE type = 'cash.moved' ORDER BY seq")]  # fmt: skip
        assert [(e["kind"], e["amount"]) for e in events] == [("in", 20000), ("out", 5000)]
        assert conn.execute("SELECT count(*) FROM cash_movements").fetchone()[0] == 2
