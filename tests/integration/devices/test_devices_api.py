"""The devices API and CLI on the embedded default (a file printer for register 01)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from devices import service
from devices.queue_repo import jobs
from edge.config import Settings
from tests.conftest import login
from tests.integration.devices.helpers import sell, wait_for
from tests.unit.devices.escpos_decoder import decode


def printed(settings: Settings, kind: str) -> list[Path]:
    return sorted((settings.data_dir / "receipts").glob(f"*-{kind}-*.bin")) + sorted(
        (settings.data_dir / "receipts").glob(f"*-{kind}.bin")
    )


def drained(client: TestClient) -> bool:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    return all(j["state"] in ("done", "expired", "failed") for j in jobs(ctx.db.writer))


def test_the_drawer_opens_for_a_supervisor_only(client: TestClient, settings: Settings) -> None:
    cashier = login(client)
    r = client.post("/api/v1/devices/drawers/01/open", headers=cashier)
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post("/api/v1/devices/drawers/01/open", headers=cashier,
                    json={"approver": {"username": "supervisor", "pin": "4321"}})  # fmt: skip
    assert r.status_code == 202, r.text
    supervisor = login(client, "supervisor", "4321")
    assert client.post("/api/v1/devices/drawers/01/open", headers=supervisor).status_code == 202
    assert client.post("/api/v1/devices/drawers/99/open", headers=supervisor).status_code == 404
    assert client.post("/api/v1/devices/drawers/a-b/open", headers=supervisor).status_code == 422
    wait_for(lambda: drained(client), what="drawer jobs")
    pulses = [decode(p.read_bytes()) for p in printed(settings, "drawer")]
    assert len(pulses) == 2 and all(d.has("drawer") for d in pulses)


def test_x_and_z_reports_add_up_the_days_sales(client: TestClient, settings: Settings) -> None:
    cashier = login(client)
    cash_sale = sell(client, cashier, tender="cash")
    sell(client, cashier, tender="card")
    r = client.post("/api/v1/returns", headers=cashier, json={
        "receipt_no": cash_sale["receipt_no"],
        "lines": [{"sku": "DAI-006-11", "qty": 1, "reason": "changed_mind",
                   "disposition": "restock"}]})  # fmt: skip
    assert r.status_code == 201, r.text
    r = client.post("/api/v1/devices/reports/x", headers=cashier)
    assert r.status_code == 202, r.text
    x = r.json()["report"]
    assert x["sales"] == 2 and x["total"] == 2 * 778 and x["tenders"] == {"cash": 778, "card": 778}
    # the cash refund left the drawer
    assert x["returns"] == 1 and x["refunded"] == 389 and x["cash"] == 778 - 389
    assert client.post("/api/v1/devices/reports/z", headers=cashier).status_code == 403
    z = client.post("/api/v1/devices/reports/z", headers=login(client, "supervisor", "4321"))
    assert z.status_code == 202 and z.json()["report"]["number"] == 1
    again = client.post("/api/v1/devices/reports/x", headers=cashier).json()["report"]
    assert again["sales"] == 0, "a Z report starts the next period"
    assert client.post("/api/v1/devices/reports/q", headers=cashier).status_code == 422
    wait_for(lambda: drained(client), what="reports")
    texts = [decode(p.read_bytes()).text for p in printed(settings, "report")]
    assert any("RAPORT Z nr 1" in t and "Zwroty" in t for t in texts)


def test_documents_from_other_parts_print_in_their_transaction(
    client: TestClient, settings: Settings
) -> None:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.transaction() as conn:
        service.enqueue_document(conn, ctx, "return", {
            "return_id": "R-1", "lines": [{"sku": "DAI-006-11", "qty": 1, "unit_price": 389,
                                           "refund": 389}],
            "refund": {"total": 389, "tenders": [{"type": "cash", "amount": 389}]},
            "original": {"kind": "sale", "ref": "S001-01-000009"}})  # fmt: skip
        service.enqueue_document(conn, ctx, "pickup_slip", {
            "order_id": "ORD-1", "name": "Zofia Świętochowska", "shelf": "A1",
            "lines": [{"sku": "DAI-006-11", "qty": 2}]})  # fmt: skip
    try:
        with ctx.db.transaction() as conn:
            service.enqueue_document(conn, ctx, "pickup_slip", {"order_id": "ORD-2"})
            raise RuntimeError("the caller's transaction fails")
    except RuntimeError:
        pass
    wait_for(lambda: drained(client), what="documents")
    ret = decode(printed(settings, "return")[0].read_bytes()).text
    assert "ZWROT" in ret and "Mleko 2% 1 l" in ret and "S001-01-000009" in ret
    slips = printed(settings, "pickup_slip")
    assert len(slips) == 1, "a rolled-back caller prints nothing"
    assert "Zofia Świętochowska" in decode(slips[0].read_bytes()).text


def test_test_print_and_bad_requests(client: TestClient, settings: Settings) -> None:
    cashier = login(client)
    assert client.post("/api/v1/devices/printers/receipt/test", headers=cashier).status_code == 202
    assert client.post("/api/v1/devices/printers/nope/test", headers=cashier).status_code == 404
    assert client.get("/api/v1/devices").status_code == 401
    wait_for(lambda: drained(client), what="test page")
    page = decode(printed(settings, "test")[0].read_bytes())
    assert "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ" in page.text and page.has("cut")


def test_cli_lists_devices_and_prints_a_test_page(tmp_path: Path) -> None:
    from edge.cli import _add_plugin_commands, app

    _add_plugin_commands()
    runner = CliRunner()
    data_dir = tmp_path / "var"
    r = runner.invoke(app, ["devices", "list", "--data-dir", str(data_dir)])
    assert r.exit_code == 0, r.output
    assert "printer  receipt" in r.output and "online" in r.output
    r = runner.invoke(app, ["devices", "test-print", "receipt", "--data-dir", str(data_dir)])
    assert r.exit_code == 0, r.output
    assert list((data_dir / "receipts").glob("test-receipt.bin"))
    r = runner.invoke(app, ["devices", "test-print", "nope", "--data-dir", str(data_dir)])
    assert r.exit_code == 2


def test_an_unknown_document_kind_never_fails_the_callers_transaction(client: TestClient) -> None:
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    with ctx.db.transaction() as conn:
        assert service.enqueue_document(conn, ctx, "poem", {"text": "x"}) is None
