"""A serial scanner on a real pseudo-terminal: scans are validated and delivered to the
register; unplugging (closing the pty) and plugging back in (a new pty behind the same stable
name, as udev gives) needs nothing from anyone."""

from __future__ import annotations

import os
import queue
from pathlib import Path

from fastapi.testclient import TestClient

from devices.scans import subscribe
from edge.app import create_app
from edge.node import load_settings
from tests.conftest import login
from tests.integration.devices.helpers import wait_for
from tests.waiting import TIMEOUT_S

MILK_EAN = "5901230000370"  # demo catalogue: DAI-006-11


class Pty:
    """A scanner plugged in: the test writes to the master, the node reads `link`."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        self.link = link
        if link.is_symlink():
            link.unlink()
        link.symlink_to(os.ttyname(self.slave))

    def scan(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)
        self.link.unlink()


def test_a_serial_scanner_delivers_checks_and_survives_unplugging(tmp_path: Path) -> None:
    link = tmp_path / "scanner-01"
    settings = load_settings(
        None,
        {
            "data_dir": tmp_path / "var",
            "devices": {"scanners": {"hand": {"port": str(link), "baud": 9600, "suffix": "CR",
                                              "target": "01"}}},
        },
    )  # fmt: skip
    pty = Pty(link)
    with TestClient(create_app(settings, ui=False)) as client:
        ctx = client.app.state.ctx  # type: ignore[attr-defined]
        headers = login(client)
        scans: queue.Queue[dict] = queue.Queue()
        kiosk: queue.Queue[dict] = queue.Queue()
        unsubscribe = subscribe(ctx, "01", scans.put)
        subscribe(ctx, "kiosk", kiosk.put)

        def scanner() -> dict:
            return client.get("/api/v1/devices", headers=headers).json()["scanners"][0]

        wait_for(lambda: scanner()["status"] == "connected", what="scanner connected")
        pty.scan(MILK_EAN.encode() + b"\r")
        good = scans.get(timeout=TIMEOUT_S)
        assert good["ok"] is True and good["sku"] == "DAI-006-11" and good["beep"] is False
        assert good["name"] == good["message"] == "Mleko 2% 1 l"

        # Two codes in one burst, one with a wrong check digit, then line noise.
        pty.scan(b"5901230000371\r" + MILK_EAN.encode() + b"\r\xff\xfe\r")
        bad = scans.get(timeout=TIMEOUT_S)
        assert bad["ok"] is False and bad["beep"] is True
        assert "check digit" in bad["message"]
        assert scans.get(timeout=TIMEOUT_S)["ok"] is True
        noise = scans.get(timeout=TIMEOUT_S)
        assert noise["ok"] is False and noise["beep"] is True
        assert kiosk.empty(), "a register's scanner never feeds the kiosk"

        pty.unplug()
        wait_for(lambda: scanner()["status"] == "disconnected", what="unplug noticed")
        pty = Pty(link)  # plugged back in: a new device behind the same name
        wait_for(lambda: scanner()["status"] == "connected", what="reconnected")
        pty.scan(MILK_EAN.encode() + b"\r")
        assert scans.get(timeout=TIMEOUT_S)["sku"] == "DAI-006-11"
        state = scanner()
        assert state["scans"] == 5 and state["bad_scans"] == 2

        unsubscribe()
        pty.scan(MILK_EAN.encode() + b"\r")
        wait_for(lambda: scanner()["scans"] == 6, what="scan after unsubscribe")
        assert scans.empty()
    pty.unplug()
