"""The `store-edge` command as an operator uses it: a real process, real files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx

from tests.node import Node
from tests.waiting import TIMEOUT_S


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "edge.cli", *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        cwd=cwd,
    )


def test_users_add_list_disable(tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    r = cli(
        "users",
        "add",
        "anna",
        "--role",
        "supervisor",
        "--pin",
        "98765",
        "--name",
        "Anna K.",
        "--data-dir",
        data,
    )
    assert r.returncode == 0, r.stderr
    listed = cli("users", "list", "--data-dir", data).stdout
    assert "anna" in listed and "supervisor" in listed and "active" in listed
    assert cli("users", "add", "anna", "--pin", "11111", "--data-dir", data).returncode != 0
    assert cli("users", "add", "bob", "--pin", "12", "--data-dir", data).returncode != 0
    assert cli("users", "disable", "anna", "--data-dir", data).returncode == 0
    assert "disabled" in cli("users", "list", "--data-dir", data).stdout
    assert cli("users", "disable", "nobody", "--data-dir", data).returncode != 0


def test_catalog_import_is_all_or_nothing(tmp_path: Path) -> None:
    data = str(tmp_path / "var")
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(
            json.dumps(p)
            for p in [
                {
                    "sku": "T-1",
                    "name_pl": "Herbata czarna",
                    "name_en": "Black tea",
                    "price": "12,99",
                    "vat": "A",
                    "barcodes": ["5901234123457"],
                },
                {"sku": "T-2", "name_pl": "Kawa", "name_en": "Coffee", "price": 25.99, "vat": 23},
            ]
        )
        + "\n"
    )
    r = cli("catalog", "import", str(good), "--data-dir", data)
    assert r.returncode == 0 and "imported 2" in r.stdout, r.stdout + r.stderr
    with sqlite3.connect(tmp_path / "var" / "store.db") as conn:
        assert dict(conn.execute("SELECT sku, price FROM products WHERE sku LIKE 'T-%'")) == {
            "T-1": 1299,
            "T-2": 2599,
        }
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name_pl,price,vat\nT-3,Cukier,499,A\nT-4,Sól,-5,A\n")
    r = cli("catalog", "import", str(bad), "--data-dir", data)
    assert r.returncode != 0 and "nothing was imported" in r.stderr
    with sqlite3.connect(tmp_path / "var" / "store.db") as conn:
        assert (
            conn.execute("SELECT count(*) FROM products WHERE sku IN ('T-3', 'T-4')").fetchone()[0]
            == 0
        )
    r = cli("catalog", "import", str(tmp_path / "missing.csv"), "--data-dir", data)
    assert r.returncode != 0


def test_a_bad_config_stops_startup_naming_the_key(tmp_path: Path) -> None:
    conf = tmp_path / "edge.toml"
    conf.write_text('[http]\nport = "eighty"\n')
    r = cli("serve", "--config", str(conf), "--data-dir", str(tmp_path / "var"))
    assert r.returncode != 0 and "http.port" in r.stderr
    conf.write_text("[store]\nnosuchkey = 1\n")
    r = cli("serve", "--config", str(conf), "--data-dir", str(tmp_path / "var"))
    assert r.returncode != 0 and "store.nosuchkey" in r.stderr


def test_broker_without_hub_key_is_refused(tmp_path: Path) -> None:
    r = cli("serve", "--broker", "mqtt://127.0.0.1:1", "--data-dir", str(tmp_path / "var"))
    assert r.returncode != 0 and "hub-key" in r.stderr


def test_serve_warns_about_demo_staff_and_answers(tmp_path: Path) -> None:
    node = Node(tmp_path / "var", env={"STORE_EDGE_LOG_LEVEL": "INFO"}).wait_ready()
    try:
        assert httpx.get(f"{node.url}/readyz", timeout=TIMEOUT_S).status_code == 200
        metrics = httpx.get(f"{node.url}/metrics", timeout=TIMEOUT_S).text
        assert "# TYPE" in metrics
    finally:
        node.stop()
    assert "demo staff" in node.log.read_text()
