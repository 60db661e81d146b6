"""Shutdown order: the request in flight finishes, then components stop (and may still write,
e.g. the print queue's state), then the database is checkpointed and closed."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
import threading
from pathlib import Path

import httpx

from edge.app import create_app
from edge.config import Settings
from edge.ops.server import NotifyingServer
from edge.services.context import Context
from tests.integration.ops.conftest import free_port
from tests.waiting import TIMEOUT_S, wait_until


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S).close()
    except ConnectionRefusedError:
        return True
    return False


class QueueLike:
    """Stands in for a device worker whose stop() persists its state."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        with self.ctx.db.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS queue_state (note TEXT)")

    async def stop(self) -> None:
        await asyncio.sleep(0)  # a stop that awaits something before it writes
        with self.ctx.db.transaction() as conn:
            conn.execute("INSERT INTO queue_state VALUES ('flushed')")


def test_stop_finishes_the_request_in_flight_then_components_then_the_database(
    settings: Settings, tmp_path: Path
) -> None:
    import uvicorn

    app = create_app(settings, ui=False, components=[QueueLike])
    entered, finish = threading.Event(), threading.Event()

    @app.get("/slow")
    def slow() -> dict[str, str]:
        entered.set()
        finish.wait(TIMEOUT_S)  # until the test has begun the shutdown
        return {"done": "yes"}

    port = free_port()
    server = NotifyingServer(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="on",
            timeout_graceful_shutdown=TIMEOUT_S,
        )
    )
    thread = threading.Thread(target=server.run)
    thread.start()
    wait_until(lambda: server.started, what="the server to start")
    result: dict[str, object] = {}

    def call() -> None:
        result["r"] = httpx.get(f"http://127.0.0.1:{port}/slow", timeout=TIMEOUT_S)

    caller = threading.Thread(target=call)
    caller.start()
    assert entered.wait(TIMEOUT_S)  # the request is in flight
    server.should_exit = True  # what uvicorn's SIGTERM handler does
    wait_until(lambda: refuses_connections(port), what="the server to stop listening")
    assert thread.is_alive()  # still waiting for the request in flight
    finish.set()
    caller.join(TIMEOUT_S)
    thread.join(TIMEOUT_S)
    assert not thread.is_alive()
    r = result["r"]
    assert isinstance(r, httpx.Response) and r.status_code == 200 and r.json() == {"done": "yes"}
    conn = sqlite3.connect(settings.db_path)
    try:
        assert conn.execute("SELECT note FROM queue_state").fetchall() == [("flushed",)]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    wal = Path(f"{settings.db_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
