"""The unit files pass `systemd-analyze verify` and say what the box needs."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from edge.ops.install import PLACEHOLDER_BIN, SOURCE_DIR, UNITS
from tests.waiting import TIMEOUT_S

pytestmark = pytest.mark.usefixtures("systemd_analyze")


def verify(unit_dir: Path, name: str) -> None:
    """verify checks that ExecStart binaries exist; on this test box the store-edge and cage
    binaries live elsewhere, so a copy points at ones that exist (the rest is unchanged)."""
    text = (unit_dir / name).read_text()
    text = text.replace(PLACEHOLDER_BIN, shutil.which("true") or "/bin/true")
    text = text.replace("/usr/bin/cage", shutil.which("true") or "/bin/true")
    copy = unit_dir.parent / "verify" / name
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(text)
    r = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=copy.parent,
    )
    # verify exits 0 even on unknown keys; any message at all is a finding.
    assert r.returncode == 0 and r.stderr.strip() == "" and r.stdout.strip() == "", r.stderr


@pytest.mark.parametrize("name", UNITS)
def test_unit_passes_systemd_analyze_verify(tmp_path: Path, name: str) -> None:
    src = tmp_path / "units"
    src.mkdir()
    shutil.copy(SOURCE_DIR / name, src / name)
    verify(src, name)


def test_verify_catches_a_misspelt_directive(tmp_path: Path) -> None:
    src = tmp_path / "units"
    src.mkdir()
    text = (SOURCE_DIR / "store-edge.service").read_text()
    (src / "store-edge.service").write_text(text.replace("ProtectSystem=", "ProtectSystm="))
    with pytest.raises(AssertionError, match="Unknown key"):
        verify(src, "store-edge.service")


def service(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(SOURCE_DIR / name)
    return parser["Service"]


def test_node_unit_is_notify_with_watchdog_restart_and_hardening() -> None:
    s = service("store-edge.service")
    assert s["Type"] == "notify" and int(s["WatchdogSec"]) > 0
    assert s["Restart"] == "always" and s["StateDirectory"] == "store-edge"
    assert s["User"] == "store-edge" and set(s["SupplementaryGroups"].split()) == {"lp", "dialout"}
    assert s["ProtectSystem"] == "strict" and s["NoNewPrivileges"] == "yes"
    assert s["CapabilityBoundingSet"] == "" and s["DevicePolicy"] == "closed"
    assert s["RestrictAddressFamilies"] == "AF_UNIX AF_INET AF_INET6"
    text = (SOURCE_DIR / "store-edge.service").read_text()
    for device in ("char-usb ", "char-usb_device", "char-lp", "char-ttyUSB", "char-ttyACM"):
        assert f"DeviceAllow={device}" in text
    assert "SystemCallFilter=@system-service" in text
    # uvicorn gives requests in flight 10 s; the unit must allow that plus the lifespan.
    assert int(s["TimeoutStopSec"]) >= 20


def test_kiosk_unit_opens_the_local_kiosk_page_in_a_kiosk_browser() -> None:
    start = service("kiosk.service")["ExecStart"]
    assert start.startswith("/usr/bin/cage") and "chromium --kiosk" in start
    assert start.endswith("http://127.0.0.1:8081/kiosk")  # the kiosk listener


@pytest.mark.parametrize("name", ["store-edge.service", "kiosk.service"])
def test_units_are_rated_ok_by_systemd_analyze_security(name: str) -> None:
    import re

    r = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(SOURCE_DIR / name)],
        capture_output=True, text=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    found = re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout)
    assert found is not None, r.stdout[-500:] + r.stderr
    assert float(found[1]) <= 3.0, f"{name}: {found[1]}"
