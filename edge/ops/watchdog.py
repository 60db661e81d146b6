"""The systemd watchdog: WATCHDOG=1 pings sent from the node's asyncio event loop.

The ping is a task on the same loop that serves HTTP, the UI and the sync agent, so a loop that
hangs (a blocking call, a deadlock) stops the pings and systemd restarts the service after
WatchdogSec. Each ping also checks that the database answers a read, so a node whose storage has
gone away is restarted too, rather than pinging while it cannot sell."""

from __future__ import annotations

import asyncio
import logging

from edge.background import LoopTask
from edge.ops.sdnotify import notify, watchdog_interval
from edge.services.context import Context

log = logging.getLogger(__name__)


class Watchdog(LoopTask):
    name = "systemd-watchdog"

    def __init__(self, ctx: Context, interval: float) -> None:
        super().__init__()
        self.ctx, self.interval = ctx, interval

    async def start(self) -> None:
        await super().start()
        log.info("systemd watchdog pings every %.1fs", self.interval)

    def _healthy(self) -> bool:
        try:
            with self.ctx.db.read() as conn:
                conn.execute("SELECT 1 FROM schema_migrations LIMIT 1").fetchall()
        except Exception as exc:
            log.error("watchdog: database does not answer, withholding ping: %s", exc)
            return False
        return True

    async def run(self) -> None:
        while True:
            # The read runs in a thread (a busy reader pool must not block the loop); the ping
            # itself is sent from the loop, so a hung loop still silences it.
            try:
                healthy = await asyncio.wait_for(
                    asyncio.to_thread(self._healthy), timeout=max(self.interval, 1.0)
                )
            except TimeoutError:
                log.error("watchdog: database read took longer than %.1fs", self.interval)
                healthy = False
            if healthy:
                notify("WATCHDOG=1")
            await asyncio.sleep(self.interval)


def watchdog(ctx: Context) -> Watchdog | None:
    """Component factory: only when systemd asked for a watchdog (WATCHDOG_USEC)."""
    interval = watchdog_interval()
    return Watchdog(ctx, interval) if interval else None
