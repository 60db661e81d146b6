"""Someone else writing: the node's writer held by another thread, or SQLite's write lock held
by another process (what `store-edge catalog import` or a backup does to the file)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edge.store.db import Database


@contextmanager
def writer_held_by_a_thread(db: Database, seconds: float | None = None) -> Iterator[None]:
    """Another thread holds an open write transaction for `seconds`, or (None) until the block
    ends; the block starts once it holds it."""
    taken, release = threading.Event(), threading.Event()

    def hold() -> None:
        with db.transaction():
            taken.set()
            release.wait(seconds if seconds is not None else 10)

    worker = threading.Thread(target=hold)
    worker.start()
    assert taken.wait(5)
    try:
        yield
    finally:
        if seconds is None:
            release.set()
        worker.join()


@contextmanager
def write_lock_held_by_a_process(path: Path, seconds: float) -> Iterator[None]:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, other.rollback)
    release.start()
    try:
        yield
    finally:
        release.join()
        other.close()
