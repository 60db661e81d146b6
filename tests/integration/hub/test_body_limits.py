"""The hub's HTTP bodies are capped before they are read: JSON routes at 1 MiB (by
Content-Length, and by counting a chunked body as it comes), the catalogue import at its own
cap, streamed to a temporary file. Shown on a real hub process, whose memory is read from /proc."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.sync.brokers import free_port, wait_for
from tests.waiting import TIMEOUT_S

CLI = str(Path(sys.executable).parent / "store-edge")
MB = 1024 * 1024


class HubProcess:
    def __init__(self, data: Path, *env: str) -> None:
        self.port = free_port()
        data.mkdir(parents=True, exist_ok=True)
        (data / "hub.toml").write_text("\n".join(env) + "\n")
        self.proc = subprocess.Popen(
            [CLI, "hub", "--config", str(data / "hub.toml"), "--data-dir", str(data),
             "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self.up, every=0.1)
        # A caller allowed to post orders and imports: the limits are what is tested.
        made = subprocess.run(
            [CLI, "hub", "token", "create", "office", "--scope", "orders", "--scope", "catalog",
             "--data-dir", str(data)],
            capture_output=True, text=True, timeout=TIMEOUT_S, check=True,
        )  # fmt: skip
        self.auth = {"Authorization": f"Bearer {made.stdout.strip()}"}

    def up(self) -> bool:
        try:
            return httpx.get(self.url("/api/v1/healthz"), timeout=TIMEOUT_S).status_code == 200
        except httpx.HTTPError:
            return False

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _status(self, field: str) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} in /proc status")

    def reset_peak(self) -> int:
        """Resets the process's peak RSS (VmHWM) and returns its RSS now."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        return self._status("VmRSS")

    def peak(self) -> int:
        return self._status("VmHWM")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(TIMEOUT_S)


@pytest.fixture
def hub_process(tmp_path: Path) -> Iterator[HubProcess]:
    h = HubProcess(tmp_path / "hub")
    yield h
    h.stop()


def _raw_post(hub: HubProcess, path: str, total: int, *, chunked: bool) -> bytes:
    """Sends `total` bytes of body 1 MiB at a time (never held whole here either) and returns
    the response head; stops sending as soon as the server answers or closes."""
    head = f"POST {path} HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\n"
    head += f"Authorization: {hub.auth['Authorization']}\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    piece = b"[" + b"1," * (MB // 2 - 1) + b"1"
    with socket.create_connection(("127.0.0.1", hub.port), TIMEOUT_S) as s:
        s.sendall(head.encode())
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < total:
                s.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
                sent += len(piece)
                s.setblocking(False)
                try:
                    if s.recv(1, socket.MSG_PEEK):
                        break  # the answer came before the body was over
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
        s.settimeout(TIMEOUT_S)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n\r\n" not in answer and (more := s.recv(65536)):
                answer += more
            body_start = answer.index(b"\r\n\r\n") + 4
            while len(answer) - body_start < 2 and (more := s.recv(65536)):
                answer += more
    return answer


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_150_mb_order_is_refused_without_the_hub_growing(
    hub_process: HubProcess, chunked: bool
) -> None:
    before = hub_process.reset_peak()
    answer = _raw_post(hub_process, "/api/v1/orders", 150 * MB, chunked=chunked)
    grown = hub_process.peak() - before
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b"application/problem+json" in rest
    assert grown < 50 * MB, f"RSS grew by {grown / MB:.1f} MiB"
    how = "chunked" if chunked else "Content-Length"
    print(f"150 MB POST /orders ({how}): RSS before {before / MB:.1f} MiB, peak growth "
          f"{grown / MB:.1f} MiB (limit 50)")  # fmt: skip
    assert hub_process.up()


def test_json_routes_take_1_mib_and_the_import_has_its_own_cap(tmp_path: Path) -> None:
    hub_process = HubProcess(tmp_path / "hub", "[http]", "max_import_bytes = 2097152")
    try:
        _caps(hub_process)
    finally:
        hub_process.stop()


def _caps(hub_process: HubProcess) -> None:
    big = json.dumps({"store_id": "S001", "lines": [], "pad": "x" * (MB + 10)})
    r = httpx.post(
        hub_process.url("/api/v1/orders"), content=big, timeout=TIMEOUT_S, headers=hub_process.auth
    )
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    # The import: over 1 MiB is fine, over its own cap (2 MiB here) is not.
    line = '{"sku": "X-%d", "name_pl": "Iks", "price": "2,50", "vat": "A"}\n'
    rows = "".join(line % i for i in range(20_000))
    assert MB < len(rows) < 2 * MB
    r = httpx.post(hub_process.url("/api/v1/catalog/import?filename=c.jsonl"), content=rows,
                   timeout=TIMEOUT_S, headers=hub_process.auth)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 20_000
    r = httpx.post(hub_process.url("/api/v1/catalog/import?filename=c.jsonl"),
                   content=rows * 2, timeout=TIMEOUT_S, headers=hub_process.auth)  # fmt: skip
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    r = httpx.post(
        hub_process.url("/api/v1/catalog/import?filename=c.jsonl"),
        content=iter([rows.encode(), rows.encode()]),
        timeout=TIMEOUT_S,
        headers=hub_process.auth,
    )  # chunked
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
