"""Loyalty earning rules from the hub's catalogue files: every store earns by the same rules
(real broker, hub and nodes)."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from edge.domain.loyalty import EarningRule
from edge.store import loyalty_repo
from sync.hub.store import loyalty as hub_loyalty
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, hub_of

BASE = {"type": "loyalty_rule", "id": "base", "points_per_zl": 1}
DAIRY = {"type": "loyalty_rule", "id": "dairy-x2", "category": "dairy", "multiplier": 2}


def _version(client: TestClient) -> int:
    return int(client.get("/api/v1/sync/status").json()["catalogue_version"])


def _import(hub: TestClient, body: str, ctype: str = "application/x-ndjson") -> dict[str, Any]:
    r = hub.post("/api/v1/catalog/import", content=body, headers={"content-type": ctype})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _rules(client: TestClient) -> list[EarningRule]:
    with ctx_of(client).db.read() as conn:
        return loyalty_repo.all_rules(conn)


def test_rules_reach_running_and_fresh_stores_and_ending_one_removes_it(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    out = _import(hub, "\n".join(json.dumps(r) for r in (BASE, DAIRY)))
    assert out["version"] == 2 and out["loyalty_rules"] == 2
    wait_for(lambda: _version(a) == 2)
    expected = [
        EarningRule("base", points_per_zl=1),
        EarningRule("dairy-x2", multiplier=2, category="dairy"),
    ]
    assert _rules(a) == expected
    with hub_of(hub).db.read() as tx:
        assert hub_loyalty.all_rules(tx) == expected

    _import(hub, "rule_id,active\ndairy-x2,false\n", "text/csv")
    wait_for(lambda: _version(a) == 3)
    assert _rules(a) == expected[:1]
    b = node("B")  # a fresh store takes the hub's snapshot, rules included
    wait_for(lambda: _version(b) == 3)
    assert _rules(b) == expected[:1]


def test_a_store_that_missed_versions_gets_the_rules_in_the_catch_up_deltas(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    h = hub_of(hub)
    link, h.ctx.link = h.ctx.link, None  # imports the store does not hear of
    try:
        _import(hub, json.dumps(BASE))
        _import(hub, json.dumps(DAIRY))
    finally:
        h.ctx.link = link
    wait_for(lambda: _version(a) == 3)  # asked for on its next status
    assert [r.id for r in _rules(a)] == ["base", "dairy-x2"]


def test_a_bad_rule_row_is_refused_with_nothing_imported(hub: TestClient) -> None:
    r = hub.post(
        "/api/v1/catalog/import",
        content=json.dumps(BASE) + "\n" + json.dumps({**DAIRY, "multiplier": 1}),
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 422 or r.status_code == 400, r.text
    assert "line 2: loyalty rule" in r.json()["detail"]
    with hub_of(hub).db.read() as tx:
        assert hub_loyalty.all_rules(tx) == []
