"""Control characters never reach a printer: catalogue text from every source refuses them,
printing strips any already in the database, and a job that cannot be laid out fails once,
is marked failed with its reason and never blocks the jobs behind it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devices import queue_repo
from devices.config import PrinterProfile
from devices.layout import Text
from devices.render import render
from edge.app import create_app
from edge.domain.errors import InvalidInput
from edge.node import load_settings
from edge.services.context import Context
from sync import protocol
from sync.catalogue import products_from
from sync.hub.service import Hub
from sync.protocol import CatalogueMessage, Topics
from tests.conftest import login
from tests.integration.devices.helpers import wait_for
from tests.integration.devices.tcp_printer import TcpPrinter
from tests.integration.money.conftest import jsonl
from tests.integration.sync.brokers import Broker
from tests.integration.sync.conftest import hub_client, hub_settings, settings_for_node
from tests.unit.devices.escpos_decoder import decode

# ESC p 0 25 25 opens the drawer, ESC @ resets the printer, GS V 0 cuts the paper.
NASTY = "Mleko\x1bp\x00\x19\x19 2%\x1b@\x1dV\x00"
ROW = {"sku": "NASTY-1", "name_pl": NASTY, "price_minor": 389, "vat": "C"}
API = "/api/v1"


def _names(ctx: Context) -> list[str]:
    with ctx.db.read() as conn:
        return [r[0] for r in conn.execute("SELECT name_pl FROM products WHERE sku = 'NASTY-1'")]


def test_the_node_cli_import_refuses_escape_bytes(tmp_path: Path) -> None:
    data = tmp_path / "var"
    for name, body in (
        ("cat.jsonl", jsonl(ROW)),
        ("cat.csv", f"sku;name_pl;price;vat\nNASTY-1;{NASTY};3,89;C\n".encode()),
        ("promo.jsonl", jsonl({"type": "promotion", "id": "P1", "sku": "DAI-006-11",
                               "kind": "percent", "value": 5, "label_pl": "-5%\x1bp"})),
    ):  # fmt: skip
        path = tmp_path / name
        path.write_bytes(body)
        r = subprocess.run(
            [sys.executable, "-m", "edge.cli", "catalog", "import", str(path), "--data-dir",
             str(data)], capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert r.returncode != 0 and "control characters" in r.stderr, r.stderr
        assert "nothing was imported" in r.stderr


def test_the_hub_refuses_escape_bytes_in_a_file(tmp_path: Path) -> None:
    hub = Hub(hub_settings(tmp_path / "hub", None))
    try:
        for name, body in (("cat.jsonl", jsonl(ROW)), ("cat.csv", b"sku,name_pl,price,vat\n"
                           b"NASTY-1,Ser\x1d\x56\x00,3.89,C\n")):  # fmt: skip
            with pytest.raises(InvalidInput, match="control characters"):
                hub.import_catalogue(body, name)
        with hub.db.read() as conn:
            assert (
                conn.execute("SELECT count(*) FROM hub_products WHERE sku = 'NASTY-1'").fetchone()[
                    0
                ]
                == 0
            )
    finally:
        hub.db.close()


def test_a_catalogue_message_with_escape_bytes_is_refused_by_the_store(tmp_path: Path) -> None:
    """From a hub that did not check (an older one, or a forged import): the store refuses the
    whole message, dead-letters it and keeps its catalogue."""
    with pytest.raises(InvalidInput, match="control characters"):
        products_from([{**ROW, "name_pl": NASTY}])
    broker = Broker(tmp_path / "broker").start()
    try:
        hub = Hub(hub_settings(tmp_path / "hub", broker.url))
        node = settings_for_node(tmp_path, "S001", broker.url)
        with hub_client(hub), TestClient(create_app(node, ui=False)) as a:
            wait_for(lambda: a.get(f"{API}/sync/status").json()["catalogue_version"] == 1, 30)
            record = {**ROW, "name_en": "", "desc_pl": "", "desc_en": "", "category": "",
                      "currency": "PLN", "unit": "pcs", "barcodes": [], "image": "",
                      "active": True}  # fmt: skip
            msg = CatalogueMessage(kind="delta", version=2, products=[record]).signed(hub.key)
            hub.publish(Topics().catalog_changes, protocol.encode(msg))
            wait_for(lambda: a.get(f"{API}/sync/status").json()["dead_letters"] == 1, 30)
            assert _names(a.app.state.ctx) == []  # type: ignore[attr-defined]
            assert a.get(f"{API}/sync/status").json()["catalogue_version"] == 1
    finally:
        broker.stop()


def test_request_bodies_refuse_control_characters(client: TestClient) -> None:
    body = {"lines": [{"sku": "DAI-006-11", "qty": 1}], "consent": True,
            "customer": {"name": "Jan\x1bp", "phone": "600100200"}}  # fmt: skip
    assert client.post(f"{API}/kiosk/orders", json=body).status_code == 422


def test_printing_strips_what_is_left_in_the_database() -> None:
    for profile in (PrinterProfile(), PrinterProfile(width_mm=58, code_page="none")):
        out = decode(render([Text(NASTY), Text("Żółty ser\x1dV\x00")], profile))
        assert out.of("drawer") == [] and [c[0] for c in out.commands].count("init") == 1
        assert [c for c in out.commands if c[0] == "cut"] == [out.commands[-1]]
        assert not any(ord(ch) < 32 for line in out.lines for ch in line), out.lines
    text = decode(render([Text(NASTY)], PrinterProfile())).text
    assert "Mlekop 2%@V" in text  # the letters stay, the commands go


@pytest.fixture
def printer() -> Iterator[TcpPrinter]:
    p = TcpPrinter().start()
    yield p
    p.stop()


def test_a_job_that_cannot_be_laid_out_fails_once_and_never_blocks_the_next(
    tmp_path: Path, printer: TcpPrinter
) -> None:
    settings = load_settings(None, {
        "data_dir": tmp_path / "var",
        # No fiscal device: the sale is printed on the ESC/POS printer as a non-fiscal
        # document, and that printout is where the product's name must arrive clean.
        "fiscal": {"device": "none", "required": False},
        "devices": {
            "printers": {"till": {"connection": "network", "host": "127.0.0.1",
                                  "port": printer.port, "timeout_s": 2,
                                  "profile": {"width_mm": 58, "code_page": "none"}}},
            "registers": {"01": "till"},
            "retry": {"first_s": 0.05, "max_s": 0.3},
            "status_interval_s": 3600,
        },
    })  # fmt: skip
    with TestClient(create_app(settings, ui=False)) as client:
        ctx: Context = client.app.state.ctx  # type: ignore[attr-defined]
        with ctx.db.transaction() as conn:
            # A name written before names were checked (the 58 mm raster path choked on it),
            # and a job no layout can print (an amount that is not a number).
            conn.execute("UPDATE products SET name_pl = ? WHERE sku = 'DAI-006-11'", [NASTY])
            bad = queue_repo.add(conn, "till", "cash", {"amount": float("inf")}, ctx.clock())
            good = queue_repo.add(conn, "till", "test", {}, ctx.clock())
        auth = login(client)
        bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
        r = client.post(f"{API}/baskets/{bid}/lines", json={"sku": "DAI-006-11"}, headers=auth)
        total = r.json()["total"]
        card = {"tenders": [{"type": "card", "amount": total}]}
        sale = client.post(f"{API}/baskets/{bid}/checkout", headers=auth, json=card).json()

        def states() -> dict[int, tuple[str, int]]:
            with ctx.db.read() as conn:
                rows = conn.execute("SELECT id, state, attempts FROM print_jobs").fetchall()
            return {r[0]: (r[1], r[2]) for r in rows}

        wait_for(lambda: all(s in ("done", "failed") for s, _ in states().values()), 30)
        assert states()[bad][0] == "failed" and states()[good][0] == "done"
        with ctx.db.read() as conn:
            job = conn.execute("SELECT last_error FROM print_jobs WHERE id = ?", [bad]).fetchone()
        assert "cash" in job[0]
        texts = [text for text, complete, _ in printer.jobs() if complete]
        receipt = next(t for t in texts if sale["receipt_no"] in t)
        assert "\x1b" not in receipt and "\x1d" not in receipt
        till = client.get(f"{API}/devices", headers=auth).json()["printers"][0]
        assert till["failed"] == 1 and "cash" in (till["last_failed"] or {}).get("error", "")
        assert json.dumps(till)  # the POS shows it as it is
