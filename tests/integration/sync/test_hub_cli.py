"""`store-edge hub` as a real process: key pair on first start, HTTP API, catalogue import."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.integration.sync.brokers import Broker, free_port, wait_for
from tests.waiting import TIMEOUT_S

CLI = str(Path(sys.executable).parent / "store-edge")


def _cli(*args: str) -> str:
    out = subprocess.run(
        [CLI, "hub", *args], capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_hub_process_starts_writes_its_key_and_answers(tmp_path: Path, broker: Broker) -> None:
    port = free_port()
    data = tmp_path / "hubdata"
    proc = subprocess.Popen(
        [CLI, "hub", "--data-dir", str(data), "--port", str(port), "--broker", broker.url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:

        def up() -> bool:
            try:
                return (
                    httpx.get(
                        f"http://127.0.0.1:{port}/api/v1/healthz", timeout=TIMEOUT_S
                    ).status_code
                    == 200
                )
            except httpx.HTTPError:
                return False

        wait_for(up, every=0.1)
        assert (data / "hub.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
        url = f"http://127.0.0.1:{port}/api/v1/availability/DAI-011-11"
        assert httpx.get(url, timeout=TIMEOUT_S).status_code == 401
        # A token made by the CLI beside the running hub is shown once and works at once.
        token = _cli("token", "create", "office", "--scope", "read", "--data-dir", str(data))
        auth = {"Authorization": f"Bearer {token.strip()}"}
        r = httpx.get(url, headers=auth, timeout=TIMEOUT_S)
        assert r.status_code == 200 and r.json() == {"sku": "DAI-011-11", "stores": []}
        r = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/receipts/NOPE", headers=auth, timeout=TIMEOUT_S
        )
        assert r.status_code == 404
        listed = _cli("token", "list", "--data-dir", str(data))
        assert "office\tread\t-\t" in listed and token.strip() not in listed
        _cli("token", "revoke", "office", "--data-dir", str(data))
        assert httpx.get(url, headers=auth, timeout=TIMEOUT_S).status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(TIMEOUT_S)
    # The CLI import adds the next catalogue version to the same hub.
    catalogue = tmp_path / "c.jsonl"
    catalogue.write_text('{"sku": "X-1", "name_pl": "Iks", "price": "2,50", "vat": "A"}\n')
    out = subprocess.run(
        [CLI, "hub", "import", str(catalogue), "--data-dir", str(data)],
        capture_output=True, text=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "as catalogue v2" in out.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,name_pl,price,vat\nX-2,Zły,abc,A\n")
    out = subprocess.run(
        [CLI, "hub", "import", str(bad), "--data-dir", str(data)],
        capture_output=True, text=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    assert out.returncode != 0 and "nothing was imported" in out.stderr


def test_a_node_with_a_broker_but_no_hub_key_refuses_to_start(tmp_path: Path) -> None:
    out = subprocess.run(
        [CLI, "serve", "--data-dir", str(tmp_path / "n"), "--broker", "mqtt://127.0.0.1:1"],
        capture_output=True, text=True, timeout=TIMEOUT_S,
    )  # fmt: skip
    assert out.returncode != 0 and "--hub-key" in out.stderr
