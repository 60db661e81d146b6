"""/openapi.json is the contract clients are promised: every operation documents its 2xx body
(a named schema, or a non-JSON media type) and every problem status it can answer; what the
node and the hub serve validates against it, and what a fuzzer sends (a bad path parameter, no
token, a bad body) is answered with a status the operation documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from edge.app import create_app
from edge.node import load_settings
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.service import Hub
from sync.hub.tokens import Scope
from tests.conftest import login
from tests.integration.api.openapi_contract import Contract, named_schema, operations
from tests.integration.sync.conftest import OFFICE, bearer, hub_token

API = "/api/v1"
Headers = dict[str, str]
SUPERVISOR = {"username": "supervisor", "pin": "4321"}


# What these flows cannot make succeed without a hub or a broker (checked for their problems
# only): pickups come from hub commands, points and lookups from the hub; no sale reached the hub.
NODE_UNSERVED = [
    "GET /api/v1/customers/lookup",
    "GET /api/v1/pickups/{order_id}",
    "GET /healthz",  # the same route as /api/v1/healthz
    "GET /readyz",
    "POST /api/v1/baskets/{basket_id}/redeem",
    "POST /api/v1/deliveries/{delivery_id}/receive",
    "POST /api/v1/pickups/{order_id}/collect",
    "POST /api/v1/pickups/{order_id}/picking",
    "POST /api/v1/pickups/{order_id}/ready",
    "POST /api/v1/pickups/{order_id}/refuse",
    "POST /api/v1/pickups/{order_id}/unlock",
    "POST /api/v1/sales/{receipt_no}/reprint",  # a fiscal sale's copy is the device's: 409
]
HUB_UNSERVED = [
    "GET /api/v1/receipts/{receipt_no}",
    "POST /api/v1/customers/{customer_id}/redemptions",  # no points earned: 409
]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(load_settings(None, {"data_dir": tmp_path / "edge"}), ui=False)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[TestClient]:
    app = create_hub_app(Hub(HubSettings(data_dir=tmp_path / "hub", log_format="console")))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _spec(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec: dict[str, Any] = r.json()
    return spec


def _gaps(spec: dict[str, Any]) -> list[str]:
    gaps = []
    for path, method, op in operations(spec):
        what = f"{method.upper()} {path}"
        ok = [s for s in op["responses"] if s.startswith("2")]
        if not ok:
            gaps.append(f"{what}: no 2xx")
        for status in ok:
            content = op["responses"][status].get("content")
            if status == "204" or (content and "application/json" not in content):
                continue  # no body, or a declared non-JSON body (CSV, text)
            typed = content and named_schema(content["application/json"].get("schema"))
            if not typed:
                gaps.append(f"{what}: {status} has no body schema")
        declared = {int(s) for s in op["responses"] if s[0] in "45"}
        needed = set()
        if op.get("security"):
            needed.add(401)
        if op.get("parameters") or op.get("requestBody"):
            needed.add(422)
        if any(p["in"] == "path" for p in op.get("parameters", [])):
            needed.add(404)
        if op.get("requestBody"):
            needed.add(413)
        if needed - declared:
            gaps.append(f"{what}: does not document {sorted(needed - declared)}")
        for status in declared:
            schema = op["responses"][str(status)].get("content", {}).get("application/problem+json")
            if not schema:
                gaps.append(f"{what}: {status} is not a problem+json")
    return gaps


@pytest.mark.parametrize("app", ["node", "hub"])
def test_every_operation_documents_its_body_and_its_problems(
    app: str, request: pytest.FixtureRequest
) -> None:
    client: TestClient = request.getfixturevalue(app)
    gaps = _gaps(_spec(client))
    assert not gaps, f"{len(gaps)} gaps:\n" + "\n".join(gaps)


def test_what_the_node_serves_is_what_it_documents(node: TestClient) -> None:
    c = Contract(_spec(node))
    check = c.check
    check(node.get(f"{API}/healthz"))
    check(node.get(f"{API}/readyz"))
    auth = login(node)
    sup = login(node, **SUPERVISOR)
    check(node.post(f"{API}/sessions", json={"username": "cashier", "pin": "1234"}))
    check(node.get(f"{API}/sessions/current", headers=auth))
    items = check(node.get(f"{API}/products", params={"q": "mleko"})).json()["items"]
    milk = next(p for p in items if p["barcodes"] and p["unit"] == "pcs")
    check(node.get(f"{API}/products/{milk['sku']}"))
    check(node.get(f"{API}/categories"))
    check(node.get(f"{API}/lookup/{milk['barcodes'][0]}"))
    check(node.get(f"{API}/availability/{milk['sku']}"))
    check(node.post(f"{API}/shifts", json={"float": 10000}, headers=auth))
    check(node.get(f"{API}/shifts/current", headers=auth))
    check(node.post(f"{API}/cash", json={"kind": "in", "amount": 500}, headers=auth))
    bid = check(node.post(f"{API}/baskets", headers=auth)).json()["id"]
    line = check(
        node.post(f"{API}/baskets/{bid}/lines", json={"sku": milk["sku"], "qty": 3}, headers=auth)
    ).json()["line_id"]
    check(node.patch(f"{API}/baskets/{bid}/lines/{line}", json={"qty": 2}, headers=auth))
    check(node.post(f"{API}/baskets/{bid}/lines/{line}/discount", json={"percent": 5},
                    headers=auth))  # fmt: skip
    price = {"unit_price": milk["price"], "approver": SUPERVISOR}
    check(node.post(f"{API}/baskets/{bid}/lines/{line}/price", json=price, headers=auth))
    check(node.post(f"{API}/baskets/{bid}/discount", json={"amount": 1}, headers=sup))
    total = check(node.get(f"{API}/baskets/{bid}", headers=auth)).json()["total"]
    sale = check(
        node.post(f"{API}/baskets/{bid}/checkout", headers={**auth, "Idempotency-Key": "k1"},
                  json={"tenders": [{"type": "cash", "amount": total + 1000}]})
    ).json()  # fmt: skip
    receipt = sale["receipt_no"]
    other = check(node.post(f"{API}/baskets", headers=auth)).json()["id"]
    check(node.post(f"{API}/baskets/{other}/lines", json={"sku": milk["sku"]}, headers=auth))
    check(node.delete(f"{API}/baskets/{other}/lines/1", headers=auth))
    check(node.get(f"{API}/sales/{receipt}", headers=auth))
    check(node.get(f"{API}/sales", headers=auth))
    check(node.get(f"{API}/returns/lookup", params={"receipt_no": receipt}, headers=auth))
    ret = check(node.post(f"{API}/returns", headers=auth, json={
        "receipt_no": receipt, "approval": SUPERVISOR,
        "lines": [{"sku": milk["sku"], "qty": 1, "reason": "defective"}]}))  # fmt: skip
    check(node.get(f"{API}/returns/{ret.json()['return_id']}", headers=auth))
    check(node.get(f"{API}/returns/register.csv", headers=auth))
    check(node.get(f"{API}/pickups", headers=auth))
    kiosk = {"lines": [{"sku": milk["sku"], "qty": 1}], "consent": True,
             "customer": {"name": "Anna", "phone": "+48600100200"}}  # fmt: skip
    queued = check(node.post(f"{API}/kiosk/orders", json=kiosk)).json()
    check(node.get(f"{API}/kiosk/orders/{queued['request_id']}"))
    card = {"card": "2990000000019"}
    check(node.post(f"{API}/baskets/{other}/customer", json=card, headers=auth))
    check(node.get(f"{API}/baskets/{other}/customer", headers=auth))
    check(node.post(f"{API}/baskets/{other}/cancel", headers=auth))
    closed = node.post(f"{API}/baskets/{other}/lines", json={"sku": milk["sku"]}, headers=auth)
    assert check(closed).status_code == 409  # a problem the route declares, not derives
    check(node.get(f"{API}/pickups/nope", headers=auth))
    check(node.get(f"{API}/devices", headers=auth))
    check(node.post(f"{API}/sales/{receipt}/reprint", headers=auth))
    check(node.post(f"{API}/devices/printers/receipt/test", headers=auth))
    check(node.post(f"{API}/devices/drawers/01/open", json={"approver": SUPERVISOR}, headers=auth))
    check(node.post(f"{API}/devices/reports/x", headers=auth))
    check(node.post(f"{API}/fiscal/resolve", headers=auth))
    check(node.get(f"{API}/fiscal", headers=auth))
    check(node.get(f"{API}/sync/status"))
    _stock_flow(check, node, milk["sku"], auth, sup)
    check(node.post(f"{API}/shifts/close", json={"counted": 10500}, headers=auth))
    check(node.post(f"{API}/fiscal/daily-report", json={"approver": SUPERVISOR}, headers=auth))
    check(node.get(f"{API}/fiscal", headers=auth))
    wrong = {"approver": {**SUPERVISOR, "pin": "0000"}}
    statuses = [
        check(node.post(f"{API}/devices/drawers/01/open", json=wrong, headers=auth)).status_code
        for _ in range(6)
    ]
    assert statuses[-1] in (423, 429), statuses  # a PIN in a body: locks and throttles
    check(node.delete(f"{API}/sessions/current", headers=auth))
    check(node.get(f"{API}/sessions/current", headers=auth))
    assert c.unserved() == NODE_UNSERVED


def _stock_flow(
    check: Callable[[Any], Any], node: TestClient, sku: str, auth: Headers, sup: Headers
) -> None:
    lines = {"lines": [{"sku": sku, "qty": 1}]}
    done = check(node.post(f"{API}/write-offs", json={**lines, "reason": "damaged"}, headers=sup))
    check(node.get(f"{API}/write-offs/{done.json()['id']}", headers=auth))
    count = check(node.post(f"{API}/counts", json={}, headers=sup)).json()["id"]
    check(node.post(f"{API}/counts/{count}/scans", json={"code": sku}, headers=sup))
    blind = check(node.get(f"{API}/counts/{count}", headers=sup)).json()
    assert blind["lines"] and all("expected" not in ln for ln in blind["lines"])  # not even null
    check(node.post(f"{API}/counts/{count}/finish", headers=sup))
    check(node.get(f"{API}/counts/{count}", headers=sup))
    check(node.post(f"{API}/deliveries/unannounced", json=lines, headers=auth))
    check(node.get(f"{API}/deliveries", params={"all": True}, headers=auth))
    sent = check(node.post(f"{API}/transfers", json={**lines, "to_store": "S002"}, headers=auth))
    check(node.get(f"{API}/transfers/{sent.json()['id']}", headers=auth))
    got = {**lines, "from_store": "S002"}
    check(node.post(f"{API}/transfers/T-1/receive", json=got, headers=auth))


def test_what_the_hub_serves_is_what_it_documents(hub: TestClient) -> None:
    c = Contract(_spec(hub))
    check = c.check
    app: FastAPI = hub.app  # type: ignore[assignment]
    office = bearer(hub_token(app.state.hub, *OFFICE))
    store = bearer(hub_token(app.state.hub, Scope.STORE, store="S001"))
    check(hub.get(f"{API}/healthz"))
    check(hub.post(f"{API}/catalog/import", content=b"sku,name_pl,price,vat\nNEW-1,Nowy,2.50,A\n",
                   headers={**office, "content-type": "text/csv"}))  # fmt: skip
    order = {"store_id": "S001", "lines": [{"sku": "BAK-001-11", "qty": 1}],
             "customer": {"name": "Anna", "phone": "+48600100200"}, "prepaid": True}  # fmt: skip
    made = check(hub.post(f"{API}/orders", json=order, headers=office)).json()
    check(hub.get(f"{API}/orders/{made['order_id']}", headers=store))
    check(hub.post(f"{API}/orders/{made['order_id']}/cancel", json={}, headers=office))
    check(hub.get(f"{API}/orders", headers=office))
    check(hub.get(f"{API}/availability/BAK-001-11", headers=office))
    check(hub.get(f"{API}/stores", headers=office))
    check(hub.get(f"{API}/returns", headers=office))
    check(hub.get(f"{API}/receipts/S001-01-000001", headers=store))
    check(hub.get(f"{API}/feed", headers=office))
    check(hub.get(f"{API}/transfers", headers=office))
    check(hub.get(f"{API}/deliveries", headers=office))
    _hub_customers_and_erp(check, hub, office, store)
    check(hub.get(f"{API}/orders/{made['order_id']}"))  # no token
    check(hub.get(f"{API}/stores", headers=store))  # a token without the scope
    assert c.unserved() == HUB_UNSERVED


def _hub_customers_and_erp(
    check: Callable[[Any], Any], hub: TestClient, office: Headers, store: Headers
) -> None:
    csv = b"customer_id,card,phone,name\nC1,2990000000019,+48600100200,Anna\n"
    check(hub.post(f"{API}/customers/import", content=csv,
                   headers={**office, "content-type": "text/csv"}))  # fmt: skip
    check(hub.get(f"{API}/customers/lookup", params={"phone": "+48600100200"}, headers=store))
    check(hub.get(f"{API}/customers/C1", headers=office))
    check(hub.get(f"{API}/customers/C1/history", headers=store))
    check(hub.get(f"{API}/customers/C1/orders", headers=office))
    redeem = {"redemption_id": "r-1", "points": 5}
    check(hub.post(f"{API}/customers/C1/redemptions", json=redeem, headers=store))
    check(hub.post(f"{API}/customers/C1/erase", headers=office))
    made = {"store_id": "S001", "lines": [{"sku": "BAK-001-11", "qty": 3}]}
    delivery = check(hub.post(f"{API}/deliveries", json=made, headers=office)).json()
    check(hub.get(f"{API}/deliveries/{delivery['delivery_id']}", headers=office))
    check(hub.get(f"{API}/deliveries", headers=office))
    check(hub.get(f"{API}/feed", headers=office))


@pytest.mark.parametrize("app", ["node", "hub"])
def test_a_fuzzer_gets_only_documented_statuses(app: str, request: pytest.FixtureRequest) -> None:
    """The class of answers an independent fuzz run met undocumented: a path parameter naming
    nothing, no token, a body of the wrong shape — on every operation."""
    client: TestClient = request.getfixturevalue(app)
    spec = _spec(client)
    contract = Contract(spec)
    hub_app: Any = client.app
    auth = login(client) if app == "node" else bearer(hub_token(hub_app.state.hub, *OFFICE))
    for path, method, op in operations(spec):
        if path.endswith("/sessions/current") and method == "delete":
            continue  # would end the session the rest of the run uses
        url = API + path.removeprefix(API) if path.startswith(API) else path
        for name in (p["name"] for p in op.get("parameters", []) if p["in"] == "path"):
            url = url.replace("{" + name + "}", "zz-none-9")
        body = {"json": {"bogus": [1]}} if op.get("requestBody") else {}
        if op.get("security"):
            contract.check(client.request(method, url, **body))  # no token
        contract.check(client.request(method, url, headers=auth, **body))
