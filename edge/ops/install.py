"""Installs a node on a Debian box: accounts (systemd-sysusers), config skeleton, state
directory, systemd units and udev rules. `root` is "/" on a real box, a temp directory in tests
(and for building images); only with root "/" are services reloaded and users created live."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

UNITS = (
    "store-edge.service",
    "store-edge-hub.service",
    "kiosk.service",
    "store-edge-backup.service",
    "store-edge-backup.timer",
)
UDEV_RULES = "99-store-edge-devices.rules"  # written by the devices part
# Chromium's managed policy for the kiosk screen: every URL blocked but the kiosk listener's.
KIOSK_POLICY = "store-edge-kiosk.json"
KIOSK_POLICY_DIR = "/etc/chromium/policies/managed"
SYSUSERS = "store-edge.sysusers.conf"
PLACEHOLDER_BIN = "/opt/store-edge/bin/store-edge"
SOURCE_DIR = Path(__file__).resolve().parents[2] / "systemd"

CONFIG_SKELETON = """\
# Store Edge node. Every key is optional (embedded defaults); environment variables
# STORE_EDGE_<SECTION>__<KEY> override this file. See the README for all keys.
data_dir = "/var/lib/store-edge"
demo = false
log_format = "json"

[store]
id = "{store_id}"
name = "{store_name}"
register_id = "01"
currency = "PLN"

[http]
host = "127.0.0.1"
port = 8080
# The kiosk screen's browser opens this port: only the kiosk is served on it.
kiosk_port = 8081

[database]
synchronous = "FULL"

[ops]
backup_keep = 7
compact_interval_s = 3600
checkpoint_interval_s = 2
outbox_keep_days = 7
print_jobs_keep_days = 30

# [broker]
# url = "mqtts://broker.example.com:8883"
# username = "{store_id}"
# password = "the password set with mosquitto_passwd for user {store_id}"
# hub_key = "/etc/store-edge/hub.pub"

# The hub's HTTP API (receipts and orders of other stores at a return). The token is this
# store's, made on the hub with
#   store-edge hub token create {store_id} --scope store --store {store_id}
# [hub]
# url = "https://hub.example.com:8090"
# token = "seh_PASTE-THE-TOKEN-HERE"
# ca_file = "/etc/store-edge/hub-ca.pem"
"""


@dataclass
class Plan:
    """What install/uninstall did, one line per action (printed by the CLI)."""

    root: Path
    actions: list[str] = field(default_factory=list)

    def path(self, absolute: str) -> Path:
        return self.root / absolute.lstrip("/")

    def note(self, text: str) -> None:
        self.actions.append(text)


def _run(plan: Plan, *cmd: str) -> None:
    if shutil.which(cmd[0]) is None:
        plan.note(f"skipped (not installed): {' '.join(cmd)}")
        return
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    plan.note(f"ran: {' '.join(cmd)}")


def _write(plan: Plan, absolute: str, text: str, mode: int = 0o644) -> None:
    target = plan.path(absolute)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.chmod(mode)
    plan.note(f"wrote {absolute}")


def install(
    root: Path = Path("/"),
    *,
    store_id: str = "S001",
    store_name: str = "Store",
    binary: Path | None = None,
    source: Path = SOURCE_DIR,
) -> Plan:
    plan = Plan(root)
    live = root.resolve() == Path("/")
    exe = str(binary or Path(sys.executable).parent / "store-edge")
    sysusers = (source / SYSUSERS).read_text()
    _write(plan, f"/usr/lib/sysusers.d/{SYSUSERS}", sysusers)
    if live:
        _run(plan, "systemd-sysusers", f"/usr/lib/sysusers.d/{SYSUSERS}")
    elif shutil.which("systemd-sysusers"):
        # Image building / tests: create the accounts in the target's own /etc/passwd.
        plan.path("/etc").mkdir(parents=True, exist_ok=True)
        _run(
            plan,
            "systemd-sysusers",
            f"--root={root}",
            str(plan.path(f"/usr/lib/sysusers.d/{SYSUSERS}")),
        )
    config = plan.path("/etc/store-edge/config.toml")
    if config.exists():
        plan.note("kept /etc/store-edge/config.toml (exists)")
    else:
        _write(
            plan,
            "/etc/store-edge/config.toml",
            CONFIG_SKELETON.format(store_id=store_id, store_name=store_name),
            0o640,
        )
    state = plan.path("/var/lib/store-edge")
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o750)
    plan.note("created /var/lib/store-edge")
    if live:
        shutil.chown(state, "store-edge", "store-edge")
        shutil.chown(config, "root", "store-edge")
    for unit in UNITS:
        text = (source / unit).read_text().replace(PLACEHOLDER_BIN, exe)
        _write(plan, f"/etc/systemd/system/{unit}", text)
    _write(plan, f"{KIOSK_POLICY_DIR}/{KIOSK_POLICY}", (source / KIOSK_POLICY).read_text())
    rules = source / UDEV_RULES
    if rules.is_file():
        _write(plan, f"/etc/udev/rules.d/{UDEV_RULES}", rules.read_text())
    else:
        plan.note(f"no {UDEV_RULES} in {source}: printers/scanners keep their kernel names")
    if live:
        _run(plan, "udevadm", "control", "--reload-rules")
        _run(plan, "udevadm", "trigger", "--subsystem-match=usb", "--subsystem-match=tty")
        _run(plan, "systemctl", "daemon-reload")
        plan.note("next: edit /etc/store-edge/config.toml, then systemctl enable --now store-edge")
    return plan


def uninstall(root: Path = Path("/"), *, purge: bool = False) -> Plan:
    """Removes units, rules and accounts' definition. The database and config stay unless
    `purge` (a store's sales are never deleted by accident)."""
    plan = Plan(root)
    live = root.resolve() == Path("/")
    if live:
        for unit in UNITS:
            subprocess.run(["systemctl", "disable", "--now", unit], capture_output=True)
        plan.note("stopped and disabled the units")
    files = [f"/etc/systemd/system/{u}" for u in UNITS]
    files += [f"/etc/udev/rules.d/{UDEV_RULES}", f"/usr/lib/sysusers.d/{SYSUSERS}"]
    files.append(f"{KIOSK_POLICY_DIR}/{KIOSK_POLICY}")
    for absolute in files:
        target = plan.path(absolute)
        if target.exists():
            target.unlink()
            plan.note(f"removed {absolute}")
    if purge:
        for absolute in ("/etc/store-edge", "/var/lib/store-edge"):
            shutil.rmtree(plan.path(absolute), ignore_errors=True)
            plan.note(f"removed {absolute}")
        if live:
            for user in ("store-edge", "store-edge-kiosk"):
                subprocess.run(["userdel", user], capture_output=True)
            plan.note("removed the store-edge accounts")
    else:
        plan.note("kept /etc/store-edge and /var/lib/store-edge (use --purge to delete them)")
    if live:
        _run(plan, "systemctl", "daemon-reload")
        _run(plan, "udevadm", "control", "--reload-rules")
    return plan
