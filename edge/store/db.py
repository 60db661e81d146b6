"""SQLite connections: one writer (every write is `BEGIN IMMEDIATE … COMMIT`) and a small pool
of read-only readers. WAL lets readers run while a write is in progress."""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import sqlite_utils

Synchronous = Literal["FULL", "NORMAL"]
BUSY_TIMEOUT_MS = 10_000


def connect(
    path: Path | str, *, synchronous: Synchronous = "FULL", read_only: bool = False
) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a transaction is exactly the
    # block the service asked for, never one the driver opened implicitly.
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        # Takes effect on a new, empty file only: compaction can then give freed pages back
        # without the full VACUUM an existing file needs to switch.
        if conn.execute("PRAGMA page_count").fetchone()[0] == 0:
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {synchronous}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    return conn


class Database:
    """The node's database. `transaction()` for writes, `read()` for queries."""

    def __init__(
        self, path: Path | str, *, synchronous: Synchronous = "FULL", readers: int = 4
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.synchronous = synchronous
        self._writer = connect(self.path, synchronous=synchronous)
        self._write_lock = threading.RLock()
        self._depth = 0
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._reader_count = readers
        self._created_readers: list[sqlite3.Connection] = []
        self._closed = False

    @property
    def writer(self) -> sqlite3.Connection:
        return self._writer

    def utils(self) -> sqlite_utils.Database:
        """sqlite-utils over the write connection (for migrations and bulk imports)."""
        return sqlite_utils.Database(self._writer)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. Nested calls join the outer one, so a service can call
        another service's step and still commit once."""
        with self._write_lock:
            if self._closed:
                raise RuntimeError("database is closed")
            if self._depth:
                self._depth += 1
                try:
                    yield self._writer
                finally:
                    self._depth -= 1
                return
            self._writer.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self._writer
            except BaseException:
                self._depth = 0
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            self._depth = 0
            self._writer.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection. Inside a write transaction on this thread, reads go through
        the writer so they see the transaction's own changes."""
        if self._depth and self._write_lock._is_owned():  # type: ignore[attr-defined]
            yield self._writer
            return
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            if len(self._created_readers) < self._reader_count:
                conn = connect(self.path, synchronous=self.synchronous, read_only=True)
                self._created_readers.append(conn)
            else:
                conn = self._readers.get(timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._readers.put(conn)

    def close(self) -> None:
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            for conn in self._created_readers:
                conn.close()
            # Fold the WAL back into the main file so the database is one self-contained file.
            with contextlib.suppress(sqlite3.Error):
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.close()
