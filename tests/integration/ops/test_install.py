"""`store-edge install --root DIR` lays out a Debian box; uninstall removes it but keeps data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edge.node import load_settings
from edge.ops.install import UNITS
from tests.waiting import TIMEOUT_S

STORE_EDGE = Path(sys.executable).parent / "store-edge"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(STORE_EDGE), *args], capture_output=True, text=True, timeout=TIMEOUT_S, check=True
    )


def test_install_into_a_root_then_uninstall(tmp_path: Path) -> None:
    root = tmp_path / "box"
    run("install", "--root", str(root), "--store-id", "S042", "--binary", "/usr/bin/store-edge")
    config = root / "etc/store-edge/config.toml"
    settings = load_settings(config)  # the skeleton is a valid config
    assert settings.store.id == "S042" and not settings.demo
    assert str(settings.data_dir) == "/var/lib/store-edge"
    assert (root / "var/lib/store-edge").is_dir()
    assert oct((root / "var/lib/store-edge").stat().st_mode & 0o777) == "0o750"
    for unit in UNITS:
        text = (root / "etc/systemd/system" / unit).read_text()
        assert "/opt/store-edge/bin" not in text
    node_unit = (root / "etc/systemd/system/store-edge.service").read_text()
    assert "ExecStart=/usr/bin/store-edge serve --config /etc/store-edge/config.toml" in node_unit
    assert (root / "usr/lib/sysusers.d/store-edge.sysusers.conf").is_file()
    if shutil.which("systemd-sysusers"):
        passwd = (root / "etc/passwd").read_text()
        group = (root / "etc/group").read_text()
        assert "store-edge:" in passwd and "/usr/sbin/nologin" in passwd
        assert any(
            line.startswith("dialout:") and "store-edge" in line for line in group.splitlines()
        )
    # The hub section is there to fill in: uncommented, it is a valid config with the token.
    text = config.read_text()
    assert "store-edge hub token create S042 --scope store --store S042" in text
    hub = text[text.index("# [hub]") :].split("\n\n")[0]
    filled = tmp_path / "filled.toml"
    filled.write_text(text + "\n" + "\n".join(ln.removeprefix("# ") for ln in hub.splitlines()))
    hub_settings = load_settings(filled).hub
    assert hub_settings.url and hub_settings.token and hub_settings.ca_file
    assert hub_settings.token.get_secret_value().startswith("seh_")
    # A second install keeps an edited config.
    config.write_text(config.read_text().replace('name = "Store"', 'name = "Edited"'))
    out = run("install", "--root", str(root)).stdout
    assert "kept /etc/store-edge/config.toml" in out
    assert 'name = "Edited"' in config.read_text()

    run("uninstall", "--root", str(root))
    assert not (root / "etc/systemd/system/store-edge.service").exists()
    assert config.exists() and (root / "var/lib/store-edge").is_dir()
    run("uninstall", "--root", str(root), "--purge")
    assert not config.exists() and not (root / "var/lib/store-edge").exists()


@pytest.mark.usefixtures("systemd_analyze")
def test_installed_units_run_this_store_edge_and_verify(tmp_path: Path) -> None:
    root = tmp_path / "box"
    run("install", "--root", str(root))  # ExecStart: the store-edge that ran the install
    for unit in ("store-edge.service", "store-edge-backup.service", "store-edge-backup.timer"):
        path = root / "etc/systemd/system" / unit
        if unit.endswith(".service"):
            assert f"ExecStart={STORE_EDGE} " in path.read_text()
        r = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(path)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
        )
        assert r.returncode == 0 and not r.stderr.strip(), r.stderr


def test_the_skeleton_names_the_broker_user_as_the_acl_expects(tmp_path: Path) -> None:
    """deploy/mosquitto/acl gives a store the topics of the user named by its store id."""
    from sync.mqtt import BrokerAddress

    root = tmp_path / "box"
    run("install", "--root", str(root), "--store-id", "S042", "--binary", "/usr/bin/store-edge")
    config = root / "etc/store-edge/config.toml"
    lines = config.read_text().splitlines()
    start = lines.index("# [broker]")
    # The operator uncomments the broker block and sets the password.
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("#")), len(lines))
    lines[start:end] = [line[2:] for line in lines[start:end] if line.startswith("# ")]
    config.write_text("\n".join(lines) + "\n")
    broker = load_settings(config).broker
    assert broker.url is not None
    address = BrokerAddress.parse(broker.url, broker.username, broker.password)
    assert address.username == "S042"


def test_the_kiosk_browser_is_held_to_the_kiosk_port(tmp_path: Path) -> None:
    """The screen's Chromium opens the node's kiosk listener, and its managed policy blocks
    every other URL; the config skeleton names the same port."""
    import json
    import re

    root = tmp_path / "box"
    run("install", "--root", str(root), "--binary", "/usr/bin/store-edge")
    kiosk_port = load_settings(root / "etc/store-edge/config.toml").http.kiosk_port
    assert kiosk_port is not None
    unit = (root / "etc/systemd/system/kiosk.service").read_text()
    url = re.search(r"ExecStart=.* (http://\S+)$", unit, re.M)
    assert url is not None and url[1] == f"http://127.0.0.1:{kiosk_port}/kiosk"
    policy = json.loads((root / "etc/chromium/policies/managed/store-edge-kiosk.json").read_text())
    assert policy["URLBlocklist"] == ["*"]
    allowed = policy["URLAllowlist"]
    assert url[1] in allowed
    assert all(u.split("//", 1)[1].startswith(f"127.0.0.1:{kiosk_port}/") for u in allowed)
    run("uninstall", "--root", str(root))
    assert not (root / "etc/chromium/policies/managed/store-edge-kiosk.json").exists()
