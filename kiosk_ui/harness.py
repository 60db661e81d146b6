"""A whole node served by uvicorn on a free port in a background thread, for the browser tests
and the UI benchmark (real HTTP and websockets, the same app `store-edge serve` runs)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from nicegui import helpers
from nicegui.testing.general import nicegui_reset_globals

from edge.app import create_app
from edge.config import Settings
from edge.services.context import Context
from kiosk_ui.runtime import UiParts

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True, slots=True)
class Served:
    url: str
    ctx: Context
    # What the pages use of the parts (kiosk_ui/runtime.py): a test swaps a status in it.
    parts: UiParts


@contextlib.contextmanager
def serve(settings: Settings, timeout: float = 20.0) -> Iterator[Served]:
    # NiceGUI's app is process-global; under pytest start from a clean one so a second node in
    # the same process (the next test module) does not add middleware to a started app. (Its
    # reset only works under pytest; a benchmark process serves one node.)
    fresh = nicegui_reset_globals() if helpers.is_pytest() else contextlib.nullcontext()
    with fresh:
        app = create_app(settings, ui=True)  # with its device workers: receipts really print
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, name="ui-node", daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the node did not start")
            time.sleep(0.05)
        try:
            yield Served(f"http://127.0.0.1:{port}", app.state.ctx, app.state.ui.parts)
        finally:
            server.should_exit = True
            thread.join(timeout)


def wait_for_chromium(timeout: float = 300.0) -> str:
    """Chromium may still be being installed by apt when the tests start: wait for it."""
    deadline = time.monotonic() + timeout
    while not Path(CHROMIUM).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{CHROMIUM} is missing (apt install chromium)")
        time.sleep(2)
    return CHROMIUM
