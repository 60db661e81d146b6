"""A simulated browser (NiceGUI's testing `User`) on a real node: its SQLite database on disk,
the same services as production. NiceGUI's state is global, so each test resets it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.testing.general import nicegui_reset_globals
from nicegui.testing.user import User

from edge.app import create_app
from edge.config import Settings
from edge.services.context import Context
from kiosk_ui import runtime


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Node:
    user: User
    ctx: Context


@pytest.fixture
async def node(settings: Settings) -> AsyncIterator[Node]:
    saved = dict(runtime.providers)
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        app = create_app(settings, ui=True, components=[])
        ctx: Context = app.state.ctx
        try:
            async with core.app.router.lifespan_context(core.app):
                transport = httpx.ASGITransport(core.app)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                    yield Node(User(c), ctx)
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            ui.navigate, ui.notify, ui.download = Navigate(), notify, download
            runtime.providers.clear()
            runtime.providers.update(saved)
            ctx.db.close()
