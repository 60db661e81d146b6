"""The fiscal device as the node sees it: configuration, the VAT check at start, its state on
/devices, /metrics and /readyz, the daily report; the in-process emulator of `make run`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devices.fiscal import service as fiscal_service
from devices.fiscal.emulator import DEFAULT_VAT, Emulator
from devices.fiscal.emulator_faults import Faults
from devices.fiscal.emulator_server import EmulatorServer
from devices.fiscal.posnet import PosnetDevice
from devices.fiscal.runtime import fiscal
from edge.app import create_app
from edge.config import ConfigError, Settings
from edge.domain.errors import FiscalDeviceUnavailable
from edge.domain.tenders import Tender
from edge.node import load_settings
from edge.services import auth, baskets, checkout
from tests.conftest import login
from tests.node import free_port
from tests.unit.devices.escpos_decoder import decode
from tests.waiting import wait_until

API = "/api/v1"


def test_none_is_refused_while_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="refused while required = true"):
        load_settings(None, {"data_dir": tmp_path, "fiscal": {"device": "none"}})
    with pytest.raises(ConfigError, match="posnet"):
        load_settings(None, {"data_dir": tmp_path, "fiscal": {"device": "epson://x"}})
    ok = load_settings(None, {"fiscal": {"device": "none", "required": False}})
    assert not ok.fiscal.enabled


def test_the_node_will_not_start_with_none_required(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "edge.cli", "serve", "--data-dir", str(tmp_path), "--port",
         str(free_port())],
        capture_output=True, text=True, timeout=120,
        env={"STORE_EDGE_FISCAL__DEVICE": "none", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert proc.returncode != 0
    assert "fiscal: " in proc.stderr and 'device = "none" is refused while required' in proc.stderr


def test_the_node_will_not_start_when_the_device_vat_table_disagrees(tmp_path: Path) -> None:
    server = EmulatorServer(Emulator(vat={**DEFAULT_VAT, "A": "22,00"})).start()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "edge.cli", "serve", "--data-dir", str(tmp_path / "var"),
             "--port", str(free_port())],
            capture_output=True, text=True, timeout=120,
            env={"STORE_EDGE_FISCAL__DEVICE": f"posnet+tcp://127.0.0.1:{server.port}",
                 "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    finally:
        server.stop()
    assert proc.returncode == 2
    assert "store-edge: devices: the fiscal device's VAT table disagrees" in proc.stderr
    assert "A is 22% on the device but 23% in the catalogue" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_state_readiness_metrics_and_the_daily_report(
    client: TestClient, settings: Settings
) -> None:
    auth = login(client)
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    rt = fiscal(ctx)
    assert rt is not None and rt.emulator is not None  # the embedded default: no hardware
    state = client.get(f"{API}/devices", headers=auth).json()["fiscal"]
    assert state["emulator"] is True and state["status"] == "ready"
    assert client.get("/readyz").status_code == 200
    assert 'store_edge_fiscal_up{device="emulator",emulator="true",status="ready"} 1.0' in (
        client.get("/metrics").text
    )

    rt.emulator.faults = Faults(paper_out=True)
    r = client.get("/readyz")
    assert r.status_code == 503 and "fiscal device unavailable" in r.json()["detail"]
    assert client.get(f"{API}/devices", headers=auth).json()["fiscal"]["status"] == "unavailable"
    assert 'status="unavailable"} 0.0' in client.get("/metrics").text
    rt.emulator.faults = Faults()
    assert client.get("/readyz").status_code == 200

    # The daily report: a supervisor's, run on the device and recorded.
    r = client.post(f"{API}/fiscal/daily-report", headers=auth)
    assert r.status_code == 403 and r.json()["code"] == "approval-required"
    boss = login(client, "supervisor", "4321")
    r = client.post(f"{API}/fiscal/daily-report", headers=boss)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1
    assert client.get(f"{API}/fiscal", headers=auth).json()["reports"][0]["number"] == 1
    journal = settings.data_dir / "fiscal-journal.jsonl"
    assert json.loads(journal.read_text().splitlines()[-1])["type"] == "daily_report"


def _sell(client: TestClient) -> dict[str, object]:
    auth = login(client)
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    item = client.get(f"{API}/products", params={"q": "mleko"}).json()["items"][0]
    client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": item["sku"]})
    body = {"tenders": [{"type": "cash", "amount": item["price"]}]}
    r = client.post(f"{API}/baskets/{bid}/checkout", headers=auth, json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def _job_kinds(settings: Settings, receipt_no: object) -> list[str]:
    with sqlite3.connect(settings.db_path) as conn:
        rows = conn.execute("SELECT kind FROM print_jobs WHERE ref = ? ORDER BY id", [receipt_no])
        return [r[0] for r in rows]


def test_with_a_fiscal_device_the_escpos_printer_prints_no_sale(
    client: TestClient, settings: Settings
) -> None:
    sale = _sell(client)
    assert sale["fiscal"] == {"status": "registered", "number": 1}
    assert _job_kinds(settings, sale["receipt_no"]) == ["drawer"]  # the till's drawer, no slip


def test_without_a_fiscal_device_the_sale_slip_says_it_is_not_fiscal(tmp_path: Path) -> None:
    settings = load_settings(
        None, {"data_dir": tmp_path / "var", "fiscal": {"device": "none", "required": False}}
    )
    with TestClient(create_app(settings, ui=False)) as client:
        sale = _sell(client)
        assert sale["fiscal"] == {"status": "not-fiscal", "number": None}
        assert _job_kinds(settings, sale["receipt_no"]) == ["drawer", "receipt"]
        assert client.get("/readyz").status_code == 200
        wait_until(lambda: list((settings.data_dir / "receipts").glob("*receipt*.bin")),
                   what="the slip printed to the file printer")  # fmt: skip
        [slip] = (settings.data_dir / "receipts").glob("*receipt*.bin")
        text = decode(slip.read_bytes()).text
        assert "WYDRUK NIEFISKALNY" in text and "PARAGON" not in text


def test_a_sale_paid_inside_another_transaction_is_registered_once_it_commits(
    client: TestClient, settings: Settings
) -> None:
    """A collection paid at pickup and an exchange pay inside their own transaction: the
    receipt waits for that commit (never for a sale that could still roll back)."""
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    actor = auth.login(ctx, "cashier", "1234").actor
    view = baskets.create_basket(ctx, actor)
    sku = client.get(f"{API}/products", params={"q": "mleko"}).json()["items"][0]["sku"]
    view, _ = baskets.add_line(ctx, view.basket.id, sku=sku)
    journal = settings.data_dir / "fiscal-journal.jsonl"
    with ctx.db.transaction():
        result = checkout.checkout(ctx, actor, view.basket.id,
                                   [Tender("card", view.priced.total)])  # fmt: skip
        assert result.extra["fiscal"] == {"status": "pending", "number": None}
        assert not journal.exists()  # nothing printed while the sale may still roll back
    receipt_no = result.sale.receipt_no
    wait_until(lambda: fiscal_service.sale_fiscal(ctx, receipt_no)["status"] == "registered",
               what="the sale registered after the enclosing commit")  # fmt: skip
    assert [json.loads(ln)["total"] for ln in journal.read_text().splitlines()] == [
        view.priced.total
    ]


def test_a_nested_sale_never_waits_for_the_device_while_holding_the_database(
    client: TestClient,
) -> None:
    """Another till registering (device held, waiting for the database) and a collection paying
    inside its transaction (database held): the collection is told to try again, no deadlock."""
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    rt = fiscal(ctx)
    assert rt is not None
    actor = auth.login(ctx, "cashier", "1234").actor
    view = baskets.create_basket(ctx, actor)
    sku = client.get(f"{API}/products", params={"q": "mleko"}).json()["items"][0]["sku"]
    view, _ = baskets.add_line(ctx, view.basket.id, sku=sku)
    holding = threading.Event()

    def other_till() -> None:
        with rt.lock:
            holding.set()
            with ctx.db.transaction():
                pass

    with ctx.db.transaction():
        t = threading.Thread(target=other_till, daemon=True)
        t.start()
        wait_until(holding.is_set, what="the other till to hold the device")
        with pytest.raises(FiscalDeviceUnavailable, match="busy"):
            checkout.checkout(ctx, actor, view.basket.id, [Tender("card", view.priced.total)])
    t.join(60)
    assert not t.is_alive()


def test_a_fiscalised_sale_is_not_reprinted_the_cashier_is_sent_to_the_sales_journal(
    client: TestClient, settings: Settings
) -> None:
    """A copy of a fiscal receipt may only come from the device's electronic journal, and the
    Posnet protocol has no command to print one: the node refuses instead of printing a slip
    that could pass for a receipt."""
    sale = _sell(client)
    auth = login(client)
    r = client.post(f"{API}/sales/{sale['receipt_no']}/reprint", headers=auth)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["code"] == "fiscal-copy-refused"
    assert "fiscal receipt no. 1" in problem["detail"] and "sales journal" in problem["detail"]
    assert _job_kinds(settings, sale["receipt_no"]) == ["drawer"]  # nothing queued


def test_a_sale_in_a_burst_costs_two_exchanges_with_the_device(client: TestClient) -> None:
    """Each exchange waits for the device: the receipt's opening, lines and payments go out
    together, then the close with the counters' queries behind it (the close's own answer
    carries no number); the status and last document are known from the previous receipt's
    close a moment ago (they were 9 exchanges)."""
    rt = fiscal(client.app.state.ctx)  # type: ignore[attr-defined]
    assert rt is not None and isinstance(rt.device, PosnetDevice)
    link = rt.device.link
    sent: list[list[bytes]] = []
    exchange = link.exchange

    def counted(requests: list[bytes], timeout: float) -> list[bytes]:
        frames = [requests] if isinstance(requests, bytes) else requests  # one per call before
        sent.append([r[1:].split(b"\t")[0] for r in frames])
        return exchange(requests, timeout)

    link.exchange = counted  # type: ignore[method-assign]
    _sell(client)
    sent.clear()
    assert _sell(client)["fiscal"] == {"status": "registered", "number": 2}
    assert sent == [[b"trinit", b"trline", b"trpayment"], [b"trend", b"stot", b"scnt"]]


def test_two_tills_checking_out_at_once_each_get_their_own_receipt(
    client: TestClient, settings: Settings
) -> None:
    """Both read the same last document before their commits; once the first is registered,
    the device's last document (a number above the second's `before`, with the same total)
    is the first sale's, not the second's: the second is registered, not taken as done."""
    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    actor = auth.login(ctx, "cashier", "1234").actor
    sku = client.get(f"{API}/products", params={"q": "mleko"}).json()["items"][0]["sku"]
    views = []
    for _ in range(2):
        view = baskets.create_basket(ctx, actor)
        views.append(baskets.add_line(ctx, view.basket.id, sku=sku)[0])
    both_checked = threading.Barrier(2, timeout=60)
    ctx.hooks.before_checkout.append(lambda: both_checked.wait())
    results: list[object] = []

    def till(view: baskets.BasketView) -> None:
        results.append(checkout.checkout(ctx, actor, view.basket.id,
                                         [Tender("card", view.priced.total)]))  # fmt: skip

    threads = [threading.Thread(target=till, args=(v,)) for v in views]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 2
    wait_until(lambda: fiscal_service.resolve(ctx) == {"pending": []}, what="both settled")
    journal = settings.data_dir / "fiscal-journal.jsonl"
    assert len(journal.read_text().splitlines()) == 2  # one receipt per sale
    with sqlite3.connect(settings.db_path) as conn:
        numbers = sorted(r[0] for r in conn.execute("SELECT number FROM fiscal_jobs"))
    assert numbers == [1, 2]
