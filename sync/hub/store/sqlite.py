"""The SQLite adapter: the hub's default, one file under the data dir (`<data_dir>/hub.db`).

One write connection (every transaction `BEGIN IMMEDIATE … COMMIT`, so a transaction holds
SQLite's write lock from its first statement: the per-store lock of several workers is the
whole file, in this process and in any other on the same host) and a few read connections; WAL
lets reads run beside a write. `synchronous=FULL`: an ack is only sent after the commit, and it
must survive the power going."""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edge.private_files import make_private_dir
from sync.hub.store.port import Storage, Tx

BUSY_TIMEOUT_MS = 30_000
_TYPES = [
    (re.compile(r"\bIDENTITY\b"), "INTEGER PRIMARY KEY"),
    (re.compile(r"\btimestamptz\b", re.I), "TEXT"),
    (re.compile(r"\bjsonb\b", re.I), "TEXT"),
    (re.compile(r"\bbigint\b", re.I), "INTEGER"),
    (re.compile(r"\bsmallint\b", re.I), "INTEGER"),
    (re.compile(r"\s*PARTITION BY RANGE \(\w+\)", re.I), ""),
]


def _same(sql: str) -> str:
    return sql


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves, the driver never opens one.
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not read_only:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    return conn


class SqliteStorage(Storage):
    dialect = "sqlite"
    data_errors = (sqlite3.IntegrityError,)
    for_update = ""  # BEGIN IMMEDIATE already keeps every other writer out

    def __init__(self, path: Path, *, readers: int = 4) -> None:
        super().__init__()
        self.path = Path(path)
        make_private_dir(self.path.parent)
        self._writer = _connect(self.path, read_only=False)
        self._write_lock = threading.RLock()
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._made: list[sqlite3.Connection] = []
        self._max_readers = readers
        self._made_lock = threading.Lock()
        self._closed = False

    def describe(self) -> str:
        return f"sqlite:///{self.path}"

    def ddl(self, sql: str) -> str:
        for pattern, spelled in _TYPES:
            sql = pattern.sub(spelled, sql)
        return sql

    @contextmanager
    def _transaction(self) -> Iterator[Tx]:
        with self._write_lock:
            if self._closed:
                raise RuntimeError("the hub's database is closed")
            self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._writer, "sqlite", _same)
            except BaseException:
                if self._writer.in_transaction:
                    self._writer.execute("ROLLBACK")
                raise
            self._writer.execute("COMMIT")

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        conn = self._reader()
        try:
            yield Tx(conn, "sqlite", _same)
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._readers.put(conn)

    def _reader(self) -> sqlite3.Connection:
        try:
            return self._readers.get_nowait()
        except queue.Empty:
            pass
        with self._made_lock:
            if len(self._made) < self._max_readers:
                conn = _connect(self.path, read_only=True)
                self._made.append(conn)
                return conn
        return self._readers.get(timeout=BUSY_TIMEOUT_MS / 1000)

    def backup(self, dest: Path) -> Path:
        dest.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(dest))
        try:
            conn = self._reader()
            try:
                conn.backup(target)
            finally:
                self._readers.put(conn)
        finally:
            target.close()
        return dest

    def close(self) -> None:
        with self._write_lock:
            self._closed = True
            self._writer.close()
        for conn in self._made:
            conn.close()
