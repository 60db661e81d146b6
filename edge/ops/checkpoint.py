"""WAL checkpoints in a worker thread.

By default SQLite checkpoints inside the commit that takes the WAL past 1000 pages: that commit
copies up to ~4 MB into the database file and fsyncs it. Basket edits commit on the event loop
(edge/inline.py), so the till whose scan drew that commit, and every other till and kiosk with
it, would wait for the copy. The node turns SQLite's own checkpoint off while it runs and
checkpoints every `[ops] checkpoint_interval_s` from a thread instead; a CLI command or a node
that is not running keeps SQLite's default."""

from __future__ import annotations

import asyncio

from edge.background import Periodic
from edge.ops.config import ops_config
from edge.services.context import Context

SQLITE_DEFAULT_PAGES = 1000


class WalCheckpointer(Periodic):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.last: tuple[int, int] | None = None  # (frames in the WAL, frames checkpointed)
        super().__init__(
            "wal-checkpoint",
            self._checkpoint,
            lambda: ops_config(ctx.settings).checkpoint_interval_s,
            first_wait=True,
        )

    def _checkpoint(self) -> None:
        self.last = self.ctx.db.checkpoint()

    async def start(self) -> None:
        await asyncio.to_thread(self.ctx.db.autocheckpoint, 0)
        await super().start()

    async def stop(self) -> None:
        await super().stop()
        await asyncio.to_thread(self.ctx.db.autocheckpoint, SQLITE_DEFAULT_PAGES)


def wal_checkpointer(ctx: Context) -> WalCheckpointer:
    return WalCheckpointer(ctx)
