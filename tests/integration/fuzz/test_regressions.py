"""One test per defect the fuzzing found: each input is refused with a 4xx problem+json and
leaves the database as it was."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.fuzz.conftest import assert_refused_unchanged

SKU = "BOO-056-11"  # in the demo catalogue, in stock


@pytest.mark.parametrize(
    ("body", "ctype", "detail"),
    [
        # json.loads hit the recursion limit: RecursionError, a 500 before the fix.
        (b"[" * 100_000, "application/json", "nested too deeply"),
        # The csv module's 128 KiB field limit: _csv.Error, a 500 before the fix.
        (b"sku,name_pl\nA," + b"x" * 200_000 + b"\n", "text/csv", "unreadable CSV"),
        (b"sku," + b"x" * 200_000 + b"\n", "text/csv", "unreadable CSV"),
    ],
    ids=["deep-jsonl", "huge-csv-field", "huge-csv-header"],
)
def test_hub_catalogue_import_refuses_hostile_files(
    hub_client: TestClient, body: bytes, ctype: str, detail: str
) -> None:
    r = assert_refused_unchanged(
        hub_client,
        "POST",
        "/api/v1/catalog/import",
        422,
        content=body,
        headers={"content-type": ctype},
    )
    assert detail in r.json()["detail"]


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[2Jcleared", "two\nlines", "bell\x07", "del\x7f"])
def test_control_characters_in_stored_text_are_refused(
    edge_client: TestClient, cashier: dict[str, str], hub_client: TestClient, text: str
) -> None:
    # Before: a cash movement's reason and a kiosk or hub order's customer name were stored
    # (and printed on slips, where ESC is a printer command) with the bytes as sent.
    for client, path, body, headers in [
        (edge_client, "/api/v1/cash", {"kind": "in", "amount": 100, "reason": text}, cashier),
        (
            edge_client,
            "/api/v1/kiosk/orders",
            {
                "lines": [{"sku": SKU, "qty": 1}],
                "customer": {"name": text, "phone": "+48 600 100 200"},
                "consent": True,
            },
            {},
        ),
        (
            hub_client,
            "/api/v1/orders",
            {
                "store_id": "S001",
                "lines": [{"sku": SKU, "qty": 1}],
                "customer": {"name": text, "email": "anna@example.com"},
            },
            {},
        ),
    ]:
        r = assert_refused_unchanged(client, "POST", path, 422, json=body, headers=headers)
        assert "control characters" in r.json()["detail"]


def test_plain_text_is_still_accepted(edge_client: TestClient, cashier: dict[str, str]) -> None:
    # Polish letters, quotes and inner spaces are text, not control characters.
    r = edge_client.post(
        "/api/v1/cash",
        json={"kind": "in", "amount": 100, "reason": "Zmiana „rano” – żółć 100%"},
        headers=cashier,
    )
    assert r.status_code == 201, r.text
