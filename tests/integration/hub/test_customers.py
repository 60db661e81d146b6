"""Customers at the hub (the CRM's copy) and their loyalty ledger, on SQLite and PostgreSQL:
imports all or nothing, points applied exactly once whatever the retries, a return at another
store taking the points back, history newest first and paged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sync.hub.service import Hub
from sync.protocol import EventBatch, EventRecord
from tests.integration.sync.conftest import hub_client, hub_settings

CARD = "2900000000018"  # EAN-13 under the default prefix "29"
OTHER_CARD = "2900000000025"
ANNA = {
    "customer_id": "C-ANNA", "card": CARD, "phone": "600 100 200", "name": "Anna Nowak",
    "email": "anna@example.pl", "consents": {"marketing": True, "history": True},
}  # fmt: skip


@pytest.fixture
def api(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    hub = Hub(hub_settings(tmp_path / "hub", None, database={"url": database_url}))
    with hub_client(hub, run=False) as client:
        yield client
    hub.close()


def _jsonl(*rows: dict[str, Any]) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def _import(api: TestClient, body: str, ctype: str = "application/x-ndjson") -> Any:
    return api.post("/api/v1/customers/import", content=body, headers={"content-type": ctype})


def test_an_import_is_all_or_nothing_and_names_the_bad_line(api: TestClient) -> None:
    bad_card = {"customer_id": "C-3", "card": "2900000000015"}  # wrong check digit
    r = _import(api, _jsonl(ANNA, {"customer_id": "C-2", "phone": "+48 601 000 000"}, bad_card))
    assert r.status_code == 422, r.text
    assert "line 3" in r.json()["detail"] and "loyalty card" in r.json()["detail"]
    assert api.get("/api/v1/customers/C-ANNA").status_code == 404  # nothing stored

    assert _import(api, _jsonl(ANNA)).json() == {"imported": 1}
    got = api.get("/api/v1/customers/C-ANNA").json()
    assert got == {**ANNA, "phone": "+48600100200", "points": 0, "overdraft": 0}
    by_phone = api.get("/api/v1/customers/lookup", params={"phone": "0048 600-100-200"}).json()
    assert by_phone["customer_id"] == "C-ANNA"
    by_card = api.get("/api/v1/customers/lookup", params={"card": CARD}).json()
    assert by_card["signed_for"]["kind"] == "customer"  # signed like a receipt lookup
    assert {k: v for k, v in by_card.items() if k not in ("signed_for", "signature")} == got


def test_csv_names_consents_as_columns_and_a_later_import_updates(api: TestClient) -> None:
    csv = f"customer_id,card,phone,name,email,marketing,history\nC-ANNA,{CARD},,Anna,,yes,no\n"
    assert _import(api, csv, "text/csv").json() == {"imported": 1}
    got = api.get("/api/v1/customers/C-ANNA").json()
    assert got["consents"] == {"marketing": True, "history": False} and got["phone"] is None
    assert _import(api, _jsonl(ANNA)).status_code == 200
    assert api.get("/api/v1/customers/C-ANNA").json()["consents"]["history"] is True


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [ANNA, {"customer_id": "C-2", "card": CARD}],
            "line 2: card 2900000000018 is also on line 1",
        ),
        (
            [ANNA, {**ANNA, "card": OTHER_CARD, "phone": None}],
            "customer_id C-ANNA is also on line 1",
        ),
        ([{"customer_id": "C-2", "card": "5900000000015"}], "starting 29"),
        ([{"customer_id": "C-2", "phone": "call me"}], "not a phone number"),
        ([{"customer_id": "C 2"}], "customer_id"),
        ([{"customer_id": "C-2", "email": "nobody"}], "not an e-mail"),
    ],
)
def test_bad_rows_are_refused(api: TestClient, rows: list[dict[str, Any]], message: str) -> None:
    r = _import(api, _jsonl(*rows))
    assert r.status_code == 422 and message in r.json()["detail"], r.text


def test_a_card_held_by_another_customer_is_refused(api: TestClient) -> None:
    assert _import(api, _jsonl(ANNA)).status_code == 200
    r = _import(api, _jsonl({"customer_id": "C-2", "card": CARD}))
    assert r.status_code == 422 and "card is held by customer C-ANNA" in r.json()["detail"]


def _event(seq: int, type: str, when: str, **data: Any) -> EventRecord:
    return EventRecord(seq=seq, id=f"e{seq}", type=type, at=when, data=data)


def _sale(seq: int, receipt_no: str, at: str, points: tuple[int, int]) -> list[EventRecord]:
    """A member's sale of 2 × MILK and 1 × BREAD and its points, as a till writes them."""
    lines = [
        {"line_no": 1, "sku": "MILK", "qty": 2, "unit_price": 450, "total": 900, "vat": "C"},
        {"line_no": 2, "sku": "BREAD", "qty": 1, "unit_price": 600, "total": 600, "vat": "C"},
    ]
    return [
        _event(seq, "sale.completed", at, receipt_no=receipt_no, currency="PLN", total=1500,
               lines=lines, tenders=[]),
        _event(seq + 1, "loyalty.earned", at, customer_id="C-ANNA", receipt_no=receipt_no,
               lines=[{"sku": "MILK", "qty": 2, "points": points[0]},
                      {"sku": "BREAD", "qty": 1, "points": points[1]}]),
    ]  # fmt: skip


def _apply(api: TestClient, store: str, events: list[EventRecord]) -> None:
    hub: Hub = api.app.state.hub  # type: ignore[attr-defined]
    hub.on_events(store, EventBatch(store_id=store, events=events))


def test_points_apply_once_and_a_return_elsewhere_takes_back_what_is_returned(
    api: TestClient,
) -> None:
    assert _import(api, _jsonl(ANNA)).status_code == 200
    at = "2026-11-01T10:00:00+00:00"
    sale = _sale(1, "A-0001", at, (18, 6))
    _apply(api, "A", sale)
    _apply(api, "A", sale)  # the same batch again
    # The same sale's points under a new sequence number (a store restored from a backup).
    _apply(api, "A", [_event(3, "loyalty.earned", at, **sale[1].data)])
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == 24

    ret = {
        "return_id": "RT-B-1", "at": "2026-11-02T09:00:00+00:00", "currency": "PLN",
        "original": {"kind": "sale", "ref": "A-0001", "store_id": "A"},
        "lines": [{"sku": "MILK", "qty": 1, "unit_price": 450, "refund": 450}],
    }  # fmt: skip
    _apply(api, "B", [_event(1, "return.completed", str(ret["at"]), **ret)])
    _apply(api, "B", [_event(2, "return.completed", str(ret["at"]), **ret)])  # resent as new
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == 24 - 9

    order = {
        "store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 1}], "customer_id": "C-ANNA",
        "customer": {"name": "Anna", "phone": "+48600100200"},
    }  # fmt: skip
    r = api.post("/api/v1/orders", json=order)
    assert r.status_code == 201, r.text
    orders = api.get("/api/v1/customers/C-ANNA/orders").json()
    assert [o["order_id"] for o in orders] == [r.json()["order_id"]]

    items = api.get("/api/v1/customers/C-ANNA/history").json()["items"]
    kinds = [(i["kind"], i.get("source")) for i in items]
    assert kinds == [
        ("order", None), ("return", None), ("points", "return"), ("sale", None),
        ("points", "sale"),
    ]  # fmt: skip
    assert items[1]["store_id"] == "B" and items[2]["points"] == -9
    page = api.get("/api/v1/customers/C-ANNA/history", params={"limit": 2, "offset": 2}).json()
    assert page["items"] == items[2:4] and page["next_offset"] == 4


def test_without_the_history_consent_staff_see_points_not_purchases(api: TestClient) -> None:
    assert _import(api, _jsonl({**ANNA, "consents": {"history": False}})).status_code == 200
    _apply(api, "A", _sale(1, "A-0001", "2026-11-01T10:00:00+00:00", (18, 6)))
    got = api.get("/api/v1/customers/C-ANNA/history").json()
    assert got["history_shown"] is False
    assert [i["kind"] for i in got["items"]] == ["points"]


def test_an_unknown_customer_is_404(api: TestClient) -> None:
    for path in ("", "/history", "/orders"):
        assert api.get(f"/api/v1/customers/NOPE{path}").status_code == 404
    assert api.get("/api/v1/customers/lookup", params={"card": OTHER_CARD}).status_code == 404
    assert api.get("/api/v1/customers/lookup").status_code == 422


def test_erasure_removes_personal_data_keeps_sales_anonymous_and_stays(api: TestClient) -> None:
    assert _import(api, _jsonl(ANNA)).status_code == 200
    _apply(api, "A", _sale(1, "A-0001", "2026-11-01T10:00:00+00:00", (18, 6)))
    r = api.post("/api/v1/customers/C-ANNA/erase")
    assert r.status_code == 200, r.text
    assert r.json()["stores"] == ["A"]  # the store that sold to her holds her
    assert api.get("/api/v1/customers/C-ANNA").status_code == 404
    assert api.get("/api/v1/customers/lookup", params={"card": CARD}).status_code == 404
    receipt = api.get("/api/v1/receipts/A-0001")
    assert receipt.status_code == 200 and receipt.json()["total"] == 1500  # the sale stays
    hub: Hub = api.app.state.hub  # type: ignore[attr-defined]
    with hub.storage.read() as tx:
        row = tx.one("SELECT * FROM hub_customers WHERE customer_id = 'C-ANNA'")
        linked = tx.scalar("SELECT count(*) FROM hub_sales WHERE customer_id = 'C-ANNA'")
        entries = tx.scalar("SELECT count(*) FROM hub_loyalty_entries")
        sent = tx.all("SELECT store_id, type FROM hub_commands")
    assert (row["card"], row["phone"], row["name"], row["email"]) == (None, None, "", "")
    assert (linked, entries) == (0, 0)
    assert [tuple(c) for c in sent] == [("A", "customer.erase")]
    r = _import(api, _jsonl(ANNA))  # the CRM's next export still has her: refused
    assert r.status_code == 422 and "was erased" in r.json()["detail"]


def test_online_redemption_is_authorised_within_the_balance_and_offline_ones_flag_overdrafts(
    api: TestClient,
) -> None:
    assert _import(api, _jsonl(ANNA)).status_code == 200
    _apply(api, "A", _sale(1, "A-0001", "2026-11-01T10:00:00+00:00", (80, 20)))  # 100 points

    def redeem(rid: str, points: int) -> Any:
        body = {"redemption_id": rid, "points": points}
        return api.post("/api/v1/customers/C-ANNA/redemptions", json=body)

    assert redeem("R-1", 101).status_code == 409  # over the balance: nothing recorded
    ok = redeem("R-1", 60)
    assert ok.status_code == 201 and ok.json()["balance"] == 40, ok.text
    assert ok.json()["signed_for"]["kind"] == "redemption"
    assert redeem("R-1", 60).json()["balance"] == 40  # a retry answers the same
    assert redeem("R-1", 10).status_code == 409  # the id with other terms
    # The till's event for the authorised redemption changes nothing.
    ev = {"redemption_id": "R-1", "customer_id": "C-ANNA", "points": 60, "offline": False}
    _apply(api, "A", [_event(3, "loyalty.redeemed", "2026-11-02T10:00:00+00:00", **ev)])
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == 40

    # Two stores offline each let the card spend the 40 points left (within their limits).
    for store, rid in (("B", "R-B"), ("C", "R-C")):
        ev = {"redemption_id": rid, "card": CARD, "points": 40, "offline": True}
        for _ in range(2):  # a duplicated batch
            _apply(api, store, [_event(1, "loyalty.redeemed", "2026-11-03T10:00:00+00:00", **ev)])
    got = api.get("/api/v1/customers/C-ANNA").json()
    assert (got["points"], got["overdraft"]) == (-40, 40)
    flagged = [
        (i["ref"], i["store_id"], i["overdraft"])
        for i in api.get("/api/v1/customers/C-ANNA/history").json()["items"]
        if i["kind"] == "points" and i["overdraft"]
    ]
    assert len(flagged) == 1 and flagged[0][2] == 40  # the one that came second overdrew


def test_a_collected_online_order_earns_once_and_its_return_takes_back_its_share(
    api: TestClient,
) -> None:
    assert _import(api, _jsonl(ANNA)).status_code == 200
    rule = json.dumps({"type": "loyalty_rule", "id": "base", "points_per_zl": 1})
    r = api.post("/api/v1/catalog/import", content=rule,
                 headers={"content-type": "application/x-ndjson"})  # fmt: skip
    assert r.status_code == 200, r.text
    order = {
        "store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 4}], "customer_id": "C-ANNA",
        "customer": {"name": "Anna", "phone": "+48600100200"},
    }  # fmt: skip
    created = api.post("/api/v1/orders", json=order)
    assert created.status_code == 201, created.text
    order_id, total = created.json()["order_id"], created.json()["total"]
    collected = {
        "order_id": order_id, "status": "collected",
        "lines": [{"sku": "DAI-011-11", "reserved": 0, "collected": 4, "short": 0}],
    }  # fmt: skip
    when = "2026-11-03T10:00:00+00:00"
    _apply(api, "A", [_event(1, "order.status", when, **collected)])
    _apply(api, "A", [_event(2, "order.status", when, **collected)])  # told twice
    earned = total // 100  # 1 point per złoty paid
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == earned
    ret = {
        "return_id": "RT-O-1", "at": when, "currency": "PLN",
        "original": {"kind": "order", "ref": order_id, "store_id": "A"},
        "lines": [{"sku": "DAI-011-11", "qty": 1, "unit_price": 449, "refund": 449}],
    }  # fmt: skip
    _apply(api, "B", [_event(1, "return.completed", when, **ret)])
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == earned - earned // 4


def test_a_return_that_reaches_the_hub_before_its_sale_takes_its_points_back_later(
    api: TestClient,
) -> None:
    """Store B's return of a member's purchase at A arrives while A's events are still on their
    way: its points are taken back when the sale's points arrive, not lost."""
    assert _import(api, _jsonl(ANNA)).status_code == 200
    ret = {
        "return_id": "RT-B-9", "at": "2026-11-02T09:00:00+00:00", "currency": "PLN",
        "original": {"kind": "sale", "ref": "A-0009", "store_id": "A"},
        "lines": [{"sku": "MILK", "qty": 1, "unit_price": 450, "refund": 450}],
    }  # fmt: skip
    _apply(api, "B", [_event(1, "return.completed", str(ret["at"]), **ret)])
    _apply(api, "A", _sale(1, "A-0009", "2026-11-01T10:00:00+00:00", (18, 6)))
    assert api.get("/api/v1/customers/C-ANNA").json()["points"] == 24 - 9
    receipt = api.get("/api/v1/receipts/A-0009").json()
    assert [ln["returned"] for ln in receipt["lines"]] == [1, 0]
