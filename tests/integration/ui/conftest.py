"""A simulated browser (NiceGUI's testing `User`) on a real node: its SQLite database on disk,
the same services as production. NiceGUI's state is global, so each test resets it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

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
from tests.waiting import WaitTimeout, wait_until_async


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class PatientUser(User):
    """NiceGUI's simulated user looks for an element three times, 0.1 s apart: a scan that waits
    in a worker thread, or any step on a busy machine, can take longer than that. The same
    checks, given the suite's generous bound (they still return as soon as the page agrees)."""

    async def should_see(
        self,
        target: Any = None,
        *,
        kind: Any = None,
        marker: str | list[str] | None = None,
        content: str | list[str] | None = None,
        retries: int = 3,
    ) -> None:
        await self._wait_for(True, target, kind, marker, content)

    async def should_not_see(
        self,
        target: Any = None,
        *,
        kind: Any = None,
        marker: str | list[str] | None = None,
        content: str | list[str] | None = None,
        retries: int = 3,
    ) -> None:
        await self._wait_for(False, target, kind, marker, content)

    async def _wait_for(
        self, seen: bool, target: Any, kind: Any, marker: Any, content: Any
    ) -> None:
        try:
            await wait_until_async(
                lambda: self._sees(target, kind, marker, content) == seen,
                every=0.05,
                what="the page",
            )
        except WaitTimeout:  # in NiceGUI's own words
            wanted = self._build_error_message(target, kind, marker, content)
            expected = "to see at least one" if seen else "not to see any"
            raise AssertionError(f"expected {expected} {wanted}") from None


@dataclass
class Node:
    user: User
    ctx: Context


@pytest.fixture
async def node(settings: Settings) -> AsyncIterator[Node]:
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        app = create_app(settings, ui=True, components=[])
        ctx: Context = app.state.ctx
        try:
            async with core.app.router.lifespan_context(core.app):
                transport = httpx.ASGITransport(core.app)
                async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                    yield Node(PatientUser(c), ctx)
        finally:
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            ui.navigate, ui.notify, ui.download = Navigate(), notify, download
            ctx.db.close()
