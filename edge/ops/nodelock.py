"""An advisory lock a running node holds on its data directory, so `store-edge restore` can
tell that a node is using the database (flock: released by the kernel when the process dies)."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from edge.private_files import make_private_dir
from edge.services.context import Context

log = logging.getLogger(__name__)
LOCK_NAME = "node.lock"


class NodeRunning(RuntimeError):
    pass


def _acquire(data_dir: Path) -> IO[str]:
    make_private_dir(data_dir)
    handle = (data_dir / LOCK_NAME).open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise NodeRunning(f"a node (pid {holder}) is running on {data_dir}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


@contextlib.contextmanager
def node_lock(data_dir: Path) -> Iterator[None]:
    """Holds the lock for a block; raises NodeRunning when a node holds it."""
    handle = _acquire(data_dir)
    try:
        yield
    finally:
        handle.close()


class NodeLock:
    """Component: holds the lock while the node runs. A second node on the same directory is
    logged loudly but not stopped (a test may run two apps in one process)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._handle: IO[str] | None = None

    async def start(self) -> None:
        try:
            self._handle = _acquire(self.data_dir)
        except NodeRunning as exc:
            log.error("%s: two nodes on one database", exc)

    async def stop(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def node_lock_component(ctx: Context) -> NodeLock:
    return NodeLock(ctx.db.path.parent)
