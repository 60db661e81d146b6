"""The PostgreSQL adapter (psycopg 3): the hub's state when several workers, on one host or many,
share the stores' streams (`[database] url = "postgresql://…"`).

- A pool of autocommit connections; `transaction()` is an explicit BEGIN … COMMIT on one of them
  (READ COMMITTED), joined by nested calls on the same thread.
- `lock_stores` takes the stores' rows `FOR UPDATE` in store order: one worker at a time applies
  a store's batch, another worker's batch for the same store waits and then sees what the first
  committed. Deadlocks and serialisation failures surface as `Retryable`.
- Timestamps are `timestamptz` and come back as ISO-8601 text in UTC (the session runs in UTC);
  JSON is `jsonb` and comes back as its text; rows read by position or name like sqlite3.Row.
- Applied events, sales and sale lines are partitioned by month (`partitions`): retention drops
  a month's partition instead of deleting rows one by one.
- `backup` runs `pg_dump` (custom format) against the same database."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool, PoolTimeout

from edge.domain.errors import Unavailable
from sync.hub.store.port import Params, Retryable, Storage, StorageError, Tx

log = logging.getLogger(__name__)
PARTITIONED = {"hub_events": "applied_at", "hub_sales": "at", "hub_sale_lines": "at"}
_IDENTITY = re.compile(r"\bIDENTITY\b")


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """`?` placeholders → psycopg's `%s` (a literal % doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


class _IsoTimestamptz(Loader):
    """timestamptz as the text `datetime.isoformat()` gives for the same instant in UTC.
    PostgreSQL's own text form (DateStyle ISO, time zone UTC: `2026-03-01 10:00:00.25+00`)
    only needs its separator, fraction and offset respelled: no datetime object per value
    (a 1 000-store listing reads thousands of them)."""

    def load(self, data: Any) -> str:
        text = bytes(data).decode()
        if not text.endswith("+00"):  # outside ISO style or UTC: let datetime do it
            return datetime.fromisoformat(text).astimezone(UTC).isoformat()
        day, _, clock = text[:-3].partition(" ")
        if "." in clock:
            whole, _, fraction = clock.partition(".")
            clock = f"{whole}.{fraction.ljust(6, '0')}"
        return f"{day}T{clock}+00:00"


class _JsonText(Loader):
    def load(self, data: Any) -> str:
        return bytes(data).decode()


class PgRow(tuple[Any, ...]):
    """A row readable by position and by column name, like sqlite3.Row."""

    _index: dict[str, int]

    def __new__(cls, values: Sequence[Any], index: dict[str, int]) -> PgRow:
        row = super().__new__(cls, values)
        row._index = index
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def _rows(cursor: Any) -> Any:
    desc = cursor.description
    if desc is None:
        return tuple
    index = {d.name: i for i, d in enumerate(desc)}

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


class _PgTx(Tx):
    def pipeline(self) -> Any:
        return _retryable(self.conn.pipeline())

    def execute(self, sql: str, params: Params = ()) -> Any:
        try:
            return self.conn.execute(self._sql(sql), list(params))
        except (errors.DeadlockDetected, errors.SerializationFailure) as exc:
            raise Retryable(str(exc)) from exc

    def _executemany(self, sql: str, rows: list[Params]) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.executemany(sql, rows)
        except (errors.DeadlockDetected, errors.SerializationFailure) as exc:
            raise Retryable(str(exc)) from exc


@contextmanager
def _retryable(inner: Any) -> Iterator[Any]:
    try:
        with inner as p:
            yield p
    except (errors.DeadlockDetected, errors.SerializationFailure) as exc:
        raise Retryable(str(exc)) from exc


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.adapters.register_loader("timestamptz", _IsoTimestamptz)
    conn.adapters.register_loader("jsonb", _JsonText)
    conn.adapters.register_loader("json", _JsonText)
    conn.execute("SET TIME ZONE 'UTC'")


class PostgresStorage(Storage):
    dialect = "postgresql"
    data_errors = (errors.IntegrityError, errors.DataError)
    for_update = " FOR UPDATE"

    def __init__(self, url: str, *, pool_size: int = 8, connect_timeout_s: float = 10.0) -> None:
        super().__init__()
        self.url = url
        try:
            self.pool: ConnectionPool[Any] = ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                kwargs={"autocommit": True, "row_factory": _rows},
                configure=_configure,
                open=False,
                timeout=connect_timeout_s,
                name="store-edge-hub",
            )
            self.pool.open(wait=True, timeout=connect_timeout_s)
        except (psycopg.Error, TimeoutError) as exc:
            raise StorageError(f"cannot use PostgreSQL at {self.describe()}: {exc}") from exc

    def describe(self) -> str:
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{parts.username + '@' if parts.username else ''}{host}"
        netloc += f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def ddl(self, sql: str) -> str:
        return _IDENTITY.sub("bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self.pool.connection() as conn:
                try:
                    yield conn
                except psycopg.OperationalError as exc:
                    # A connection the server dropped (restart, failover, network): the pool
                    # replaces it; the caller may try again. Other errors are the caller's.
                    if not conn.broken:
                        raise
                    raise Unavailable("the hub's database connection was lost; try again") from exc
        except PoolTimeout:
            raise Unavailable("the hub's database is busy or unreachable; try again") from None

    @contextmanager
    def _transaction(self) -> Iterator[Tx]:
        with self._connection() as conn:
            try:
                with conn.transaction():
                    yield _PgTx(conn, "postgresql", translate)
            except (errors.DeadlockDetected, errors.SerializationFailure) as exc:
                raise Retryable(str(exc)) from exc

    @contextmanager
    def _read(self) -> Iterator[Tx]:
        with self._connection() as conn:
            yield _PgTx(conn, "postgresql", translate)

    def partitions(self, tx: Tx, now: datetime) -> None:
        """One partition per month, this month and the next two (maintenance runs at start and
        every hour, so a month's partition exists before its first row). Rows outside them
        (sales from before the hub's first start, a till clock far off) go to the default
        partition made by the migration, where retention deletes them row by row."""
        month = _month(now.timestamp())
        for table in PARTITIONED:
            for n in range(3):
                start = _add_months(month, n)
                name = f"{table}_{start:%Y%m}"
                if tx.one("SELECT 1 FROM pg_class WHERE relname = ?", [name]):
                    continue
                try:
                    with tx.savepoint("partition"):
                        tx.execute(
                            f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM"
                            f" ('{start.isoformat()}') TO ('{_add_months(start, 1).isoformat()}')"
                        )
                except errors.CheckViolation as exc:
                    # The default partition already holds rows of that month: they stay there.
                    log.warning("partition %s not created: %s", name, exc)

    def drop_expired(self, tx: Tx, table: str, cutoff: datetime) -> int:
        """Drops the monthly partitions that end before `cutoff`; returns how many."""
        dropped = 0
        for row in tx.all(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ? ORDER BY c.relname",
            [table],
        ):
            name = str(row[0])
            suffix = name.rsplit("_", 1)[-1]
            if not suffix.isdigit():
                continue  # the default partition
            start = datetime(int(suffix[:4]), int(suffix[4:]), 1, tzinfo=UTC)
            if _add_months(start, 1) <= cutoff:
                tx.execute(f"DROP TABLE {name}")
                dropped += 1
        return dropped

    def backup(self, dest: Path) -> Path:
        pg_dump = shutil.which("pg_dump") or _debian_tool("pg_dump")
        dest.parent.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", f"--file={dest}", f"--dbname={self.url}"],
            capture_output=True,
            text=True,
            check=False,
            timeout=3600,
        )
        if out.returncode != 0:
            raise StorageError(f"pg_dump failed: {out.stderr.strip()}")
        return dest

    def close(self) -> None:
        self.pool.close()


def _month(ts: float) -> datetime:
    d = datetime.fromtimestamp(ts, UTC)
    return datetime(d.year, d.month, 1, tzinfo=UTC)


def _add_months(d: datetime, n: int) -> datetime:
    months = d.year * 12 + d.month - 1 + n
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=UTC)


def _debian_tool(name: str) -> str:
    """Debian keeps pg_dump per server version under /usr/lib/postgresql/N/bin."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not found:
        raise StorageError(f"{name} is not installed (Debian package postgresql-client)")
    return str(found[-1])
