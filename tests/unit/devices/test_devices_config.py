from __future__ import annotations

import re
from pathlib import Path

import pytest

from devices.config import DevicesConfig
from devices.printer import parse_status
from edge.config import ConfigError
from edge.node import load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_embedded_default_is_one_file_printer_for_register_01() -> None:
    cfg = DevicesConfig()
    assert list(cfg.printers) == ["receipt"]
    assert cfg.printers["receipt"].connection == "file"
    assert cfg.printer_for_register("01") == "receipt"
    assert cfg.pickup_printer_name() == "receipt"
    assert cfg.printers["receipt"].profile.columns == 48


@pytest.mark.parametrize(
    ("devices", "key"),
    [
        ({"printers": {"p": {"connection": "network"}}}, "host"),
        ({"printers": {"p": {"connection": "usb", "vendor_id": 1}}}, "vendor_id"),
        ({"registers": {"01": "missing"}}, "missing"),
        ({"printers": {"p": {"profile": {"width_mm": 60}}}}, "width_mm"),
        ({"scanners": {"s": {"port": "/dev/x", "suffix": "SEMICOLON"}}}, "suffix"),
        ({"scanners": {"s": {"port": "/dev/x", "target": "bad target"}}}, "target"),
    ],
)
def test_a_wrong_device_config_names_the_key(devices: dict, key: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=key):
        load_settings(None, {"data_dir": tmp_path, "devices": devices})


@pytest.mark.parametrize(
    ("reply", "printer", "drawer"),
    [
        (b"\x12\x12\x12", "online", "closed"),
        (b"\x16\x12\x12", "online", "open"),
        (b"\x1a\x12\x12", "offline", "closed"),
        (b"\x1a\x16\x12", "cover_open", "closed"),
        (b"\x12\x12\x1e", "paper_low", "closed"),
        (b"\x1a\x32\x72", "paper_out", "closed"),
        (b"\x1a\x52\x12", "error", "closed"),
        (b"", "unknown", "unknown"),
        (b"\xff\xff\xff", "unknown", "unknown"),
    ],
)
def test_dle_eot_replies_map_to_a_status(reply: bytes, printer: str, drawer: str) -> None:
    status = parse_status(reply)
    assert (status.printer, status.drawer) == (printer, drawer)


def test_udev_rules_give_stable_names_under_store_edge() -> None:
    text = (ROOT / "systemd" / "99-store-edge-devices.rules").read_text()
    rules = [r for r in text.replace("\\\n", " ").splitlines() if r.strip() and r[0] != "#"]
    assert len(rules) >= 4
    for rule in rules:
        for part in re.split(r",\s*", rule.strip()):
            assert re.fullmatch(r'[A-Z_]+(\{[A-Za-z_]+\})?(==|!=|\+=|=)"[^"]*"', part), part
        assert 'GROUP="store-edge"' in rule
    names = re.findall(r'SYMLINK\+="([^"]+)"', text)
    assert names and all(n.startswith("store-edge/") for n in names)


def test_the_devices_doc_covers_commands_and_keyboard_wedges() -> None:
    doc = (ROOT / "docs" / "devices.md").read_text()
    for needle in ("store-edge devices list", "store-edge devices test-print", "Keyboard-wedge",
                   "DUPLIKAT / COPY", "99-store-edge-devices.rules", "GET /devices"):  # fmt: skip
        assert needle in doc


def test_the_documented_example_config_loads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "devices.md").read_text()
    example = re.search(r"```toml\n(.*?)```", doc, re.S)
    assert example is not None
    path = tmp_path / "node.toml"
    path.write_text(f'data_dir = "{tmp_path}"\n' + example.group(1))
    cfg = load_settings(path).devices
    assert set(cfg.printers) == {"till1", "till2", "backoffice", "usbdirect"}
    assert cfg.printer_for_register("02") == "till2"
    assert cfg.printers["till2"].profile.columns == 32
    assert cfg.printers["usbdirect"].vendor_id == 0x04B8
    assert cfg.scanners["hand1"].target == "01"
