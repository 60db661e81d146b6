"""A real `store-edge serve` process on a free port, and a cashier doing checkouts over HTTP."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.waiting import TIMEOUT_S, wait_until

STORE_EDGE = Path(sys.executable).parent / "store-edge"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Node:
    proc: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    log: Path
    relaunch: Callable[[], Node] | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / "store.db"

    def ready(self) -> bool:
        """/readyz answers 200; fails at once if the process has exited. A port taken by
        someone else between choosing and binding it: started again on another one."""
        if self.proc.poll() is not None:
            log = self.log.read_text()
            if "address already in use" in log and self.relaunch is not None:
                again = self.relaunch()
                self.proc, self.url = again.proc, again.url
                return False
            raise AssertionError(f"node exited: {log[-3000:]}")
        return httpx.get(f"{self.url}/readyz", timeout=TIMEOUT_S).status_code == 200

    def wait_ready(self, timeout: float = 2 * TIMEOUT_S) -> None:
        wait_until(
            self.ready, timeout, f"the node to answer /readyz (log {self.log})",
            every=0.05, ignoring=(httpx.HTTPError,),
        )  # fmt: skip

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, as systemd sends it; asserts a clean, complete shutdown in time. (uvicorn
        re-raises SIGTERM once shut down, so the status is -SIGTERM, which systemd counts as
        a clean exit, or 0.)"""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        assert code in (0, -signal.SIGTERM), self.log.read_text()[-3000:]
        assert "Application shutdown complete." in self.log.read_text()


def start_node(tmp_path: Path, env: dict[str, str] | None = None) -> Node:
    port = free_port()
    data_dir = tmp_path / "var"
    log = tmp_path / "node.log"
    inherited = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    full_env = {**inherited, **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(STORE_EDGE), "serve", "--port", str(port), "--data-dir", str(data_dir)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=full_env,
            cwd=tmp_path,
        )
    return Node(proc, f"http://127.0.0.1:{port}", data_dir, log, lambda: start_node(tmp_path, env))


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    n = start_node(tmp_path)
    try:
        n.wait_ready()
        yield n
    finally:
        if n.proc.poll() is None:
            n.proc.kill()
            n.proc.wait(TIMEOUT_S)


@dataclass
class Cashier:
    """Checks out one-line baskets in a loop on its own thread; remembers every receipt that
    got a 2xx, and when it got it."""

    url: str
    receipts: list[tuple[float, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def _loop(self) -> None:
        with httpx.Client(base_url=self.url, timeout=TIMEOUT_S) as http:
            token = http.post(
                "/api/v1/sessions", json={"username": "cashier", "pin": "1234"}
            ).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            sku = http.get("/api/v1/products", params={"q": "chleb"}).json()["items"][0]["sku"]
            while not self.stop.is_set():
                try:
                    basket = http.post("/api/v1/baskets", headers=headers).json()["id"]
                    added = http.post(
                        f"/api/v1/baskets/{basket}/lines",
                        headers=headers,
                        json={"sku": sku, "qty": 1},
                    )
                    added.raise_for_status()
                    total = added.json()["total"]
                    r = http.post(
                        f"/api/v1/baskets/{basket}/checkout",
                        headers={**headers, "Idempotency-Key": basket},
                        json={"tenders": [{"type": "card", "amount": total}]},
                    )
                except (httpx.HTTPError, KeyError) as exc:
                    self.errors.append(repr(exc))
                    return  # the node went away
                if r.is_success:
                    self.receipts.append((time.monotonic(), r.json()["receipt_no"]))
                else:
                    self.errors.append(f"{r.status_code} {r.text}")
                    return

    def start(self) -> Cashier:
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def sold(self, n: int) -> bool:
        """At least `n` sales; fails at once if the cashier's loop stopped on an error."""
        if len(self.receipts) >= n:
            return True
        assert self.thread and self.thread.is_alive(), self.errors
        return False

    def wait_for(self, n: int, timeout: float = 2 * TIMEOUT_S) -> None:
        wait_until(lambda: self.sold(n), timeout, f"{n} sales")

    def join(self, timeout: float = TIMEOUT_S) -> None:
        self.stop.set()
        if self.thread:
            self.thread.join(timeout)


@pytest.fixture
def systemd_analyze() -> str:
    """`make test` installs Debian's systemd: a missing systemd-analyze is a broken setup,
    reported as a failure rather than a skip that would prove nothing."""
    path = shutil.which("systemd-analyze")
    if path is None:
        pytest.fail("systemd-analyze missing: run `make system-deps` (Debian package systemd)")
    return path
