"""Background components of a node: an asyncio task started and cancelled by the app's
lifespan (see edge.plugins.Component)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class LoopTask:
    """Runs `run()` as one asyncio task from start() until stop()."""

    name = "background"

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        raise NotImplementedError

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class Periodic(LoopTask):
    """Calls a blocking `tick()` in a worker thread every `interval()` seconds. A failing tick
    is logged and tried again next round: housekeeping must never take the node down."""

    def __init__(
        self,
        name: str,
        tick: Callable[[], Any],
        interval: Callable[[], float],
        *,
        first_wait: bool = False,
    ) -> None:
        super().__init__()
        self.name, self.tick, self.interval, self.first_wait = name, tick, interval, first_wait

    async def run(self) -> None:
        if self.first_wait:
            await asyncio.sleep(self.interval())
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except Exception:
                log.exception("%s failed; retrying in %.0f s", self.name, self.interval())
            await asyncio.sleep(self.interval())
