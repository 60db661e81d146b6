"""Shutdown order: the request in flight finishes, then components stop (and may still write,
e.g. the print queue's state), then the database is checkpointed and closed."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from edge.app import create_app
from edge.config import Settings
from edge.ops.server import NotifyingServer
from edge.services.context import Context
from tests.integration.ops.conftest import free_port


class QueueLike:
    """Stands in for a device worker whose stop() persists its state."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    async def start(self) -> None:
        with self.ctx.db.transaction() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS queue_state (note TEXT)")

    async def stop(self) -> None:
        await asyncio.sleep(0.1)
        with self.ctx.db.transaction() as conn:
            conn.execute("INSERT INTO queue_state VALUES ('flushed')")


def test_stop_finishes_the_request_in_flight_then_components_then_the_database(
    settings: Settings, tmp_path: Path
) -> None:
    import uvicorn

    app = create_app(settings, ui=False, components=[QueueLike])

    @app.get("/slow")
    def slow() -> dict[str, str]:
        time.sleep(1.0)
        return {"done": "yes"}

    port = free_port()
    server = NotifyingServer(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_config=None,
            lifespan="on",
            timeout_graceful_shutdown=10,
        )
    )
    thread = threading.Thread(target=server.run)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    result: dict[str, object] = {}

    def call() -> None:
        result["r"] = httpx.get(f"http://127.0.0.1:{port}/slow", timeout=10)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(0.3)  # the request is in flight
    server.should_exit = True  # what uvicorn's SIGTERM handler does
    caller.join(10)
    thread.join(20)
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
