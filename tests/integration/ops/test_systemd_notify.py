"""READY and watchdog pings reach systemd through NOTIFY_SOCKET (a socket the test owns)."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from edge.ops import sdnotify
from edge.ops.watchdog import Watchdog
from edge.services.context import Context
from tests.integration.ops.conftest import start_node
from tests.waiting import TIMEOUT_S, wait_until_async


def notify_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    return sock


def receive_until(
    sock: socket.socket, wanted: str, seen: list[str], timeout: float = TIMEOUT_S
) -> None:
    """Reads notifications into `seen` until one holds the line `wanted`."""
    sock.settimeout(timeout)
    while True:
        try:
            msg = sock.recv(4096).decode()
        except TimeoutError:
            raise AssertionError(f"no {wanted} within {timeout:g} s in {seen}") from None
        seen.append(msg)
        if wanted in msg.splitlines():
            return


def received(sock: socket.socket) -> list[str]:
    """Every notification already sent to `sock`, without waiting: a datagram to a Unix socket
    is in the receiver's queue once the sender's send() returns."""
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recv(4096).decode())
    except BlockingIOError:
        return out
    finally:
        sock.setblocking(True)


def lines(messages: list[str], line: str) -> int:
    return sum(m.splitlines().count(line) for m in messages)


def test_serve_reports_ready_once_serving_then_pings_the_watchdog_and_stopping(
    tmp_path: Path,
) -> None:
    sock = notify_socket(tmp_path / "notify.sock")
    born = time.monotonic()
    node = start_node(
        tmp_path, {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "1000000"}
    )
    seen: list[str] = []
    try:
        receive_until(sock, "READY=1", seen)
        # READY means it serves: the very next request is answered.
        assert httpx.get(f"{node.url}/healthz", timeout=TIMEOUT_S).status_code == 200
        for _ in range(4):  # and the pings keep coming
            receive_until(sock, "WATCHDOG=1", seen)
        node.stop(TIMEOUT_S)
        receive_until(sock, "STOPPING=1", seen)
        lived = time.monotonic() - born
        seen += received(sock)
    finally:
        if node.proc.poll() is None:
            node.proc.kill()
            node.proc.wait(TIMEOUT_S)
        sock.close()
    # WatchdogSec=1s: a ping every 0.5 s, never more often. A busy machine can only make pings
    # late, so this bound over the node's whole life holds however loaded it is.
    assert lines(seen, "WATCHDOG=1") <= lived / 0.5 + 1, seen


def _run_watchdog_until(ctx: Context, condition: Callable[[], bool], what: str) -> None:
    async def scenario() -> None:
        dog = Watchdog(ctx, 0.05)
        await dog.start()
        try:
            await wait_until_async(condition, what=what)
        finally:
            await dog.stop()

    asyncio.run(scenario())


def test_a_blocked_event_loop_stops_the_pings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ctx: Context
) -> None:
    """The ping rides on the event loop: while the loop is blocked, systemd hears nothing."""
    sock = notify_socket(tmp_path / "wd.sock")
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "wd.sock"))
    pings: list[str] = []

    def heard(n: int) -> bool:
        pings.extend(received(sock))
        return lines(pings, "WATCHDOG=1") >= n

    async def scenario() -> list[str]:
        dog = Watchdog(ctx, 0.05)
        await dog.start()
        try:
            await wait_until_async(lambda: heard(5), what="pings while the loop runs")
            received(sock)  # whatever was sent before the loop hangs
            time.sleep(0.5)  # the hang itself: a blocking call on the loop (ten ping intervals)
            during = received(sock)
            pings.clear()
            await wait_until_async(lambda: heard(5), what="pings once the loop runs again")
        finally:
            await dog.stop()
        return during

    try:
        assert asyncio.run(scenario()) == []
    finally:
        sock.close()


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
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "db.sock"))
    try:
        pings: list[str] = []

        def pinged() -> bool:
            pings.extend(received(sock))
            return lines(pings, "WATCHDOG=1") > 0

        _run_watchdog_until(ctx, pinged, "a ping while the database answers")
        received(sock)  # drain
        checks: list[int] = []

        def broken_read() -> None:
            checks.append(1)
            raise sqlite3.OperationalError("disk I/O error")  # the storage went away

        monkeypatch.setattr(ctx.db, "read", broken_read)
        _run_watchdog_until(ctx, lambda: len(checks) >= 3, "three failed database checks")
        assert received(sock) == []  # stopped: every ping it would have sent is in the queue
    finally:
        sock.close()
