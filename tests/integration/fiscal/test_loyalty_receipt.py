"""The member's points on what the customer takes home (issue 15): with a fiscal device a
non-fiscal printout right after the receipt, without one the lines on the sale's summary; both
show the points earned and the balance with when it was known."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from devices.fiscal.runtime import fiscal
from devices.layout import local_time
from edge.app import create_app
from edge.config import Settings
from edge.domain.loyalty import EarningRule
from edge.node import load_settings
from edge.store import customers_repo, loyalty_repo
from tests.conftest import login
from tests.unit.devices.escpos_decoder import decode
from tests.waiting import wait_until

API = "/api/v1"
CARD = "2900000000018"
SKU = "DAI-011-11"  # 4.49 zł in the demo catalogue, no promotion


def _member_sale(client: TestClient, hours_ago: float) -> tuple[dict[str, object], str]:
    """Anna (120 points, as the till last heard 3 h ago) buys two at 2 points per złoty."""
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    known = ctx.clock() - timedelta(hours=hours_ago)
    with ctx.db.transaction() as conn:
        loyalty_repo.upsert_rules(conn, [EarningRule("base", points_per_zl=2)])
        anna = {"customer_id": "C-ANNA", "card": CARD, "name": "Anna", "points": 120}
        customers_repo.remember(conn, anna, known)
    auth = login(client)
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": SKU, "qty": 2})
    r = client.post(f"{API}/baskets/{bid}/customer", headers=auth, json={"card": CARD})
    assert r.status_code in (200, 201), r.text
    body = {"tenders": [{"type": "cash", "amount": 898}]}
    r = client.post(f"{API}/baskets/{bid}/checkout", headers=auth, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json()), local_time(known, ctx.settings.devices.timezone)


def test_with_a_fiscal_device_the_points_follow_the_receipt_on_a_non_fiscal_printout(
    client: TestClient,
) -> None:
    rt = fiscal(client.app.state.ctx)  # type: ignore[attr-defined]
    assert rt is not None and rt.emulator is not None
    sale, known = _member_sale(client, hours_ago=3)
    assert sale["fiscal"] == {"status": "registered", "number": 1}
    assert sale["customer"]["points_earned"] == 17  # type: ignore[index]
    assert rt.emulator.printouts[-1] == [
        f"Do dokumentu {sale['receipt_no']}",
        "Karta stałego klienta",
        "Punkty za zakupy: 17",
        "Saldo punktów: 137",
        f"stan na {known}",
        "(ostatnie znane saldo + te zakupy)",
    ]


def test_a_sale_without_a_card_prints_no_points(client: TestClient) -> None:
    rt = fiscal(client.app.state.ctx)  # type: ignore[attr-defined]
    assert rt is not None and rt.emulator is not None
    auth = login(client)
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": SKU})
    body = {"tenders": [{"type": "cash", "amount": 449}]}
    assert client.post(f"{API}/baskets/{bid}/checkout", headers=auth, json=body).status_code == 201
    assert rt.emulator.printouts == []


def test_without_a_fiscal_device_the_points_are_on_the_sale_summary(tmp_path: Path) -> None:
    settings: Settings = load_settings(
        None, {"data_dir": tmp_path / "var", "fiscal": {"device": "none", "required": False}}
    )
    with TestClient(create_app(settings, ui=False)) as client:
        _sale, known = _member_sale(client, hours_ago=0)
        receipts = settings.data_dir / "receipts"
        wait_until(lambda: list(receipts.glob("*receipt*.bin")), what="the summary printed")
        [slip] = receipts.glob("*receipt*.bin")
        text = decode(slip.read_bytes()).text
    assert "WYDRUK NIEFISKALNY" in text
    for line in ("Punkty za zakupy: 17", "Saldo punktów: 137", f"stan na {known}"):
        assert line in text, text
    assert "ostatnie znane" not in text  # known from the hub just now
