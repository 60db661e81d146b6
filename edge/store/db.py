"""SQLite connections: one writer (every write is `BEGIN IMMEDIATE … COMMIT`) and a small pool
of read-only readers. WAL lets readers run while a write is in progress."""

from __future__ import annotations

import contextlib
import queue
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Literal

import sqlite_utils

from edge.private_files import make_private_dir

Synchronous = Literal["FULL", "NORMAL"]
BUSY_TIMEOUT_MS = 10_000

_no_wait: ContextVar[bool] = ContextVar("store_edge_db_no_wait", default=False)


class WouldBlock(Exception):
    """Raised in no-wait mode where the database would otherwise make the caller wait: the
    writer is taken by another thread or process, or every reader is in use. Nothing was
    written; the caller may run the same call again where waiting is allowed."""


def is_busy(exc: sqlite3.Error) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED, whatever the extended code (BUSY_RECOVERY, BUSY_SNAPSHOT…)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@contextmanager
def no_wait() -> Iterator[None]:
    """Database calls inside this block never wait for a lock: they raise WouldBlock instead.
    For code on the event loop, which must not stall behind another thread's long write."""
    token = _no_wait.set(True)
    try:
        yield
    finally:
        _no_wait.reset(token)


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
        make_private_dir(self.path.parent)
        self.synchronous = synchronous
        self._writer = connect(self.path, synchronous=synchronous)
        self._write_lock = threading.RLock()
        self._depth = 0
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._reader_count = readers
        self._created_readers: list[sqlite3.Connection] = []
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpoint_lock = threading.Lock()
        self._closed = False

    @property
    def writer(self) -> sqlite3.Connection:
        return self._writer

    def utils(self, conn: sqlite3.Connection | None = None) -> sqlite_utils.Database:
        """sqlite-utils over `conn` (the write connection by default), leaving the connection's
        settings as they are and loading no sqlite-utils plugins."""
        return sqlite_utils.Database(
            conn if conn is not None else self._writer,
            recursive_triggers=False,
            execute_plugins=False,
        )

    def writing(self) -> bool:
        """This thread is inside a write transaction (a service called from another's)."""
        # Only the thread holding the write lock changes _depth, so a non-zero depth seen while
        # this thread holds the (re-entrant) lock is its own.
        if not self._write_lock.acquire(blocking=False):
            return False
        try:
            return self._depth > 0
        finally:
            self._write_lock.release()

    @contextmanager
    def transaction(
        self, *, synchronous: Synchronous | None = None
    ) -> Iterator[sqlite3.Connection]:
        """One write transaction. Nested calls join the outer one, so a service can call
        another service's step and still commit once. `synchronous="NORMAL"`: for a write that
        recovery can redo (its loss on power failure is repaired from elsewhere): no fsync of
        its own; the next FULL commit makes it durable with itself (WAL frames are in order)."""
        if not self._write_lock.acquire(blocking=not _no_wait.get()):
            raise WouldBlock("another thread is writing")
        relaxed = synchronous is not None and synchronous != self.synchronous and not self._depth
        try:
            if self._closed:
                raise RuntimeError("database is closed")
            if relaxed:
                self._writer.execute(f"PRAGMA synchronous = {synchronous}")
            if self._depth:
                self._depth += 1
                try:
                    yield self._writer
                finally:
                    self._depth -= 1
                return
            self._begin()
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
        finally:
            if relaxed:
                self._writer.execute(f"PRAGMA synchronous = {self.synchronous}")
            self._write_lock.release()

    def _begin(self) -> None:
        if not _no_wait.get():
            self._writer.execute("BEGIN IMMEDIATE")
            return
        # Another process (a CLI import, a backup) may hold SQLite's write lock: in no-wait
        # mode, fail at once instead of waiting out the busy timeout.
        timeout = int(self._writer.execute("PRAGMA busy_timeout").fetchone()[0])
        self._writer.execute("PRAGMA busy_timeout = 0")
        try:
            self._writer.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise WouldBlock("another process is writing") from exc
            raise
        finally:
            self._writer.execute(f"PRAGMA busy_timeout = {timeout}")

    @contextmanager
    def schema_change(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that may rebuild tables (SQLite's twelve-step ALTER TABLE,
        sqlite-utils' `transform`): foreign keys are off while it runs, so dropping the old
        copy of a table fires no ON DELETE action, and are checked over the whole database
        before it commits (a violation rolls everything back)."""
        with self._write_lock:  # PRAGMA foreign_keys only changes outside a transaction
            self._writer.execute("PRAGMA foreign_keys = OFF")
            try:
                with self.transaction() as conn:
                    yield conn
                    broken = conn.execute("PRAGMA foreign_key_check").fetchmany(5)
                    if broken:
                        found = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in broken)
                        raise sqlite3.IntegrityError(f"foreign keys broken: {found}")
            finally:
                self._writer.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection. Inside a write transaction on this thread, reads go through
        the writer so they see the transaction's own changes."""
        if self._depth and self._write_lock._is_owned():  # type: ignore[attr-defined]
            yield self._writer
            return
        if self._closed:
            raise RuntimeError("database is closed")
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            if len(self._created_readers) < self._reader_count:
                conn = connect(self.path, synchronous=self.synchronous, read_only=True)
                self._created_readers.append(conn)
            elif _no_wait.get():
                raise WouldBlock("every reader is in use") from None
            else:
                conn = self._readers.get(timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._readers.put(conn)

    def autocheckpoint(self, pages: int) -> None:
        """SQLite's own WAL checkpoint after a commit that leaves the WAL over `pages` pages
        (SQLite's default: 1000); 0 turns it off, for a node that checkpoints in a thread."""
        with self._write_lock:
            if not self._closed:
                self._writer.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")

    def checkpoint(self) -> tuple[int, int]:
        """Copies committed WAL frames into the database file, from a connection of its own and
        without waiting for or blocking the writer or readers (PASSIVE). Returns the frames in
        the WAL and how many of them are now in the file."""
        with self._checkpoint_lock:
            if self._closed:
                raise RuntimeError("database is closed")
            if self._checkpointer is None:
                self._checkpointer = connect(self.path, synchronous=self.synchronous)
            _busy, frames, done = self._checkpointer.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchone()
            return int(frames), int(done)

    def close(self) -> None:
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            for conn in self._created_readers:
                conn.close()
            with self._checkpoint_lock:
                if self._checkpointer is not None:
                    self._checkpointer.close()
            # Fold the WAL back into the main file so the database is one self-contained file.
            with contextlib.suppress(sqlite3.Error):
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.close()
