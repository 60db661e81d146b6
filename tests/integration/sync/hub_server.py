"""The hub's HTTP API served on a real port (uvicorn in a thread), for nodes that look things
up at the hub over HTTP (edge/services/hub_lookup.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from sync.hub.api import create_hub_app
from sync.hub.service import Hub
from tests.integration.sync.brokers import free_port
from tests.waiting import wait_until


@contextmanager
def serving(hub: Hub) -> Iterator[str]:
    """Runs the hub (its worker too) behind http://127.0.0.1:PORT until the block ends."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_hub_app(hub), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, what="the hub's HTTP server to start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
