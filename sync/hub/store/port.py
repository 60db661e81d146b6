"""The hub's storage port: what the hub's services need from a database, whichever it is.

A `Storage` hands out transactions (`transaction()`) and reads (`read()`), each as a `Tx`. The
query modules beside this one (stores, events, stock, sales, orders, commands, catalogue, …) are
written once against `Tx` in the SQL both engines speak; an adapter (sqlite.py, postgres.py)
supplies the connection, translates placeholders and DDL types, and implements the few things
that differ (locking a store, backups, partitions). The contract a query module relies on:

- parameters are `?` placeholders; pass ints (never bools), strings, None;
- timestamps go in as ISO-8601 strings (`utc_iso`) and come out as ISO-8601 strings in UTC;
- JSON columns take JSON text and give JSON text back (jsonb on PostgreSQL);
- rows can be read by position and by column name, and `dict(row)` works;
- upserts are `INSERT … ON CONFLICT … DO …` and `RETURNING` works (SQLite ≥ 3.35).
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar, cast

T = TypeVar("T")
Dialect = Literal["sqlite", "postgresql"]
Params = Sequence[Any]


class Row(Protocol):
    """A result row: by position or by column name (sqlite3.Row and the PostgreSQL adapter's
    row both qualify)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Retryable(Exception):
    """The database gave the transaction up (deadlock, serialisation failure): running the
    same work again in a new transaction is safe and expected to succeed."""


class StorageError(RuntimeError):
    """The database cannot be used as configured (bad URL, unreachable, too old)."""


class Tx:
    """One transaction or read on the hub's database. Query modules use only this."""

    def __init__(self, conn: Any, dialect: Dialect, translate: Callable[[str], str]) -> None:
        self.conn = conn
        self.dialect: Dialect = dialect
        self._sql = translate

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        return cast(Cursor, self.conn.execute(self._sql(sql), params))

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        rows = list(rows)
        if rows:
            self._executemany(self._sql(sql), rows)

    def _executemany(self, sql: str, rows: list[Params]) -> None:
        self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Params = ()) -> Any:
        """The first row, or None."""
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Params = ()) -> list[Any]:
        return self.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def savepoint(self, name: str = "sp") -> Iterator[None]:
        """A nested step: an exception rolls back only what the step did, then propagates."""
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def marks(self, n: int) -> str:
        """`?,?,…` for an IN list of n values."""
        return ",".join("?" * n)

    def pipeline(self) -> AbstractContextManager[Any]:
        """Statements whose results are not read inside go to the server without waiting for
        each answer (PostgreSQL's pipeline mode: one round trip instead of one per statement);
        errors surface at the end of the block. SQLite has no round trips to save."""
        return nullcontext()


class Storage(ABC):
    """The hub's database. One instance per process; thread-safe."""

    dialect: Dialect
    # The driver's errors that mean "this data cannot be stored" (a duplicate key, a value out
    # of range): an event raising one is recorded with its error instead of blocking its store.
    data_errors: tuple[type[Exception], ...] = ()

    def __init__(self) -> None:
        self._local = threading.local()  # this thread's open transaction, if any

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One write transaction; nested calls on the same thread join the outer one."""
        outer: Tx | None = getattr(self._local, "tx", None)
        if outer is not None:
            yield outer
            return
        with self._transaction() as tx:
            self._local.tx = tx
            try:
                yield tx
            finally:
                self._local.tx = None

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read; inside a transaction on the same thread it reads through that transaction
        (and sees its own changes)."""
        outer: Tx | None = getattr(self._local, "tx", None)
        if outer is not None:
            yield outer
            return
        with self._read() as tx:
            yield tx

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Tx]:
        """A new transaction, committed when the block ends, rolled back on an exception."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Tx]:
        """A connection for reading outside any transaction."""

    # Appended to a SELECT of hub_stores rows to hold them until the transaction ends: what
    # serialises work on a store across every hub worker (stores.lock).
    for_update: str = ""

    @abstractmethod
    def backup(self, dest: Path) -> Path:
        """A consistent copy of the whole database into `dest` (a file); returns its path."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the data lives, for logs (no password)."""

    def partitions(self, tx: Tx, now: datetime) -> None:  # noqa: B027
        """Creates the partitions the coming months need (PostgreSQL); nothing on SQLite."""

    def drop_expired(self, tx: Tx, table: str, cutoff: datetime) -> int:
        """Drops whole partitions of `table` older than `cutoff` (PostgreSQL); 0 elsewhere."""
        return 0

    def ddl(self, sql: str) -> str:
        """DDL written with PostgreSQL's types, as this engine spells them."""
        return sql

    def run(self, work: Callable[[Tx], T], attempts: int = 5) -> T:
        """`work` in one transaction, run again from the start if the database gave the
        transaction up (a deadlock between workers); the last failure propagates."""
        for attempt in range(attempts):
            try:
                with self.transaction() as tx:
                    return work(tx)
            except Retryable:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")


def utc_iso(value: datetime | str) -> str:
    """An ISO-8601 timestamp in UTC (naive input is taken as UTC). Stores send their own
    offsets; normalising keeps text comparison on SQLite equal to time comparison."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat()


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
