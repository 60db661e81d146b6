"""Runs a real `store-edge serve` in a child process for tests that need a separate process
(crash, signal and concurrency tests)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.waiting import TIMEOUT_S, wait_until


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PORT_TAKEN = "address already in use"


class Node:
    def __init__(self, data_dir: Path, *extra: str, env: dict[str, str] | None = None) -> None:
        self.data_dir, self.extra = data_dir, extra
        self.env = {**os.environ, "STORE_EDGE_LOG_LEVEL": "WARNING", **(env or {})}
        data_dir.mkdir(parents=True, exist_ok=True)
        self._launch()

    def _launch(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.data_dir.parent / f"node-{self.port}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "edge.cli", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), *self.extra],
            stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT,
            env=self.env,
        )  # fmt: skip

    def healthy(self) -> bool:
        """/healthz answers 200; raises if the process has exited (it will not start answering).
        A free port can be taken by someone else between choosing it and binding it (other
        test runs on the machine do the same): the node starts again on another one."""
        if self.proc.poll() is not None:
            if PORT_TAKEN in self.log.read_text():
                self._launch()
                return False
            raise RuntimeError(f"node exited: {self.log.read_text()[-2000:]}")
        return httpx.get(f"{self.url}/healthz", timeout=TIMEOUT_S).status_code == 200

    def wait_ready(self, timeout: float = 2 * TIMEOUT_S) -> Node:
        wait_until(
            self.healthy,
            timeout,
            f"the node to answer /healthz (log {self.data_dir.parent}/node-*.log)",
            every=0.05,
            ignoring=(httpx.TransportError,),
        )
        return self

    def relaunch(self) -> Node:
        """Starts the node again on the same port (a browser's origin, and with it its
        localStorage, stays the same) after a kill or a stop."""
        self._launch(self.port)
        return self

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(TIMEOUT_S)

    def stop(self, timeout: float = TIMEOUT_S) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode


def login(
    client: httpx.Client, register: str = "01", username: str = "cashier", pin: str = "1234"
) -> dict[str, str]:
    r = client.post(
        "/api/v1/sessions", json={"username": username, "pin": pin, "register": register}
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}
