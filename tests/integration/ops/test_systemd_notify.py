"""READY and watchdog pings reach systemd through NOTIFY_SOCKET (a socket the test owns)."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from edge.ops import sdnotify
from edge.ops.watchdog import Watchdog
from edge.services.context import Context
from tests.integration.ops.conftest import start_node


def notify_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(60)
    return sock


def receive_until(sock: socket.socket, wanted: str, seen: list[str], timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            msg = sock.recv(4096).decode()
        except TimeoutError:
            break
        seen.append(msg)
        if wanted in msg.splitlines():
            return time.monotonic()
    raise AssertionError(f"no {wanted} in {seen}")


def test_serve_reports_ready_once_serving_then_pings_the_watchdog_and_stopping(
    tmp_path: Path,
) -> None:
    sock = notify_socket(tmp_path / "notify.sock")
    node = start_node(
        tmp_path, {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "1000000"}
    )
    seen: list[str] = []
    try:
        receive_until(sock, "READY=1", seen, 60)
        # READY means it serves: the very next request is answered.
        assert httpx.get(f"{node.url}/healthz", timeout=5).status_code == 200
        receive_until(sock, "WATCHDOG=1", seen, 5)
        # WatchdogSec=1s -> a ping every 0.5s: about 4 in the next 2 seconds.
        seen.clear()
        time.sleep(2.0)
        sock.setblocking(False)
        while True:
            try:
                seen.append(sock.recv(4096).decode())
            except BlockingIOError:
                break
        sock.setblocking(True)
        assert 3 <= seen.count("WATCHDOG=1") <= 6, seen
        node.stop(30)
        receive_until(sock, "STOPPING=1", seen, 5)
    finally:
        if node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait(10)
        sock.close()


def test_a_blocked_event_loop_stops_the_pings(tmp_path: Path, monkeypatch, ctx) -> None:  # type: ignore[no-untyped-def]
    """The ping rides on the event loop: while the loop is blocked, systemd hears nothing."""
    sock = notify_socket(tmp_path / "wd.sock")
    sock.settimeout(0.5)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "wd.sock"))
    stamps: list[float] = []
    done = threading.Event()

    def listen() -> None:  # systemd's side
        while not done.is_set():
            try:
                if sock.recv(100) == b"WATCHDOG=1":
                    stamps.append(time.monotonic())
            except TimeoutError:
                pass

    async def scenario() -> tuple[float, float]:
        dog = Watchdog(ctx, 0.05)
        await dog.start()
        await asyncio.sleep(0.5)
        blocked_at = time.monotonic()
        time.sleep(1.0)  # a hung loop: a blocking call on it
        resumed_at = time.monotonic()
        await asyncio.sleep(0.5)
        await dog.stop()
        return blocked_at, resumed_at

    listener = threading.Thread(target=listen)
    listener.start()
    try:
        blocked_at, resumed_at = asyncio.run(scenario())
        time.sleep(0.2)
    finally:
        done.set()
        listener.join(5)
        sock.close()
    before = [t for t in stamps if t < blocked_at]
    during = [t for t in stamps if blocked_at + 0.05 < t < resumed_at]
    after = [t for t in stamps if t > resumed_at]
    assert len(before) >= 5 and len(after) >= 5
    assert during == []


def test_without_notify_socket_nothing_is_sent_and_no_watchdog_runs(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert sdnotify.notify("READY=1") is False
    assert sdnotify.watchdog_interval() is None
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    assert sdnotify.watchdog_interval() == pytest.approx(15.0)
    monkeypatch.setenv("WATCHDOG_PID", "1")
    assert sdnotify.watchdog_interval() is None


def test_no_ping_while_the_database_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctx: Context
) -> None:
    sock = notify_socket(tmp_path / "db.sock")
    sock.settimeout(0.3)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "db.sock"))

    async def scenario() -> None:
        dog = Watchdog(ctx, 0.05)
        await dog.start()
        await asyncio.sleep(0.4)
        await dog.stop()

    try:
        asyncio.run(scenario())
        assert sock.recv(100) == b"WATCHDOG=1"  # healthy: pings
        while True:  # drain
            try:
                sock.recv(100)
            except TimeoutError:
                break

        def broken_read() -> None:
            raise sqlite3.OperationalError("disk I/O error")  # the storage went away

        monkeypatch.setattr(ctx.db, "read", broken_read)
        asyncio.run(scenario())
        with pytest.raises(TimeoutError):
            sock.recv(100)
    finally:
        sock.close()
