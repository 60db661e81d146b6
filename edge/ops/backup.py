"""Online backups with SQLite's backup API, rotation, and restore.

The backup API copies the database page by page from a read transaction, so the copy is one
consistent snapshot (WAL: the writer keeps committing meanwhile) and holds every transaction
committed before it started. The copy is written beside its final name, checked with
`PRAGMA integrity_check`, fsynced, then renamed, so a half-written file never looks like a
backup."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from edge.ops.nodelock import NodeRunning, node_lock

PREFIX, SUFFIX = "store-", ".db"


class BackupError(RuntimeError):
    """The backup or restore could not be made; nothing was changed."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    removed: list[Path]


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of a database file ("ok" when sound), opened read-only."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            return "; ".join(r[0] for r in rows[:5])
        has_schema = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
        ).fetchone()
        return "ok" if has_schema else "not a Store Edge database (no schema_migrations)"
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(src: sqlite3.Connection, dest: Path) -> None:
    dst = sqlite3.connect(dest)
    try:
        # pages=-1: the whole database in one step, from one read snapshot. Stepping would let
        # every commit by the node restart the copy.
        src.backup(dst, pages=-1)
        # A self-contained single file (no -wal beside it) that opens anywhere.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()


def backups(dest: Path) -> list[Path]:
    """Existing backups, oldest first (names sort by their UTC timestamp)."""
    return sorted(p for p in dest.glob(f"{PREFIX}*{SUFFIX}") if p.is_file())


def backup(db_path: Path, dest: Path, keep: int, now: datetime | None = None) -> BackupResult:
    """Copies the live database at `db_path` into `dest` and keeps the newest `keep` copies."""
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path}")
    dest.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    final = dest / f"{PREFIX}{stamp}{SUFFIX}"
    partial = final.with_suffix(".partial")
    src = sqlite3.connect(db_path, timeout=10)
    try:
        src.execute("PRAGMA busy_timeout = 10000")
        _copy(src, partial)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {db_path} failed: {exc}") from exc
    finally:
        src.close()
    verdict = integrity(partial)
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {verdict}")
    _fsync(partial)
    partial.rename(final)
    removed = rotate(dest, keep)
    return BackupResult(final, final.stat().st_size, removed)


def rotate(dest: Path, keep: int) -> list[Path]:
    old = backups(dest)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def restore(source: Path, db_path: Path, now: datetime | None = None) -> Path | None:
    """Replaces the database at `db_path` with the backup `source`. Refuses while a node runs
    on it, and when the backup fails its integrity check. The database it replaces is kept
    beside it (returned) so a wrong restore can be undone."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    verdict = integrity(source)
    if verdict != "ok":
        raise BackupError(f"{source} failed its integrity check: {verdict}; nothing restored")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with node_lock(db_path.parent):
            return _swap(source, db_path, now or datetime.now(UTC))
    except NodeRunning as exc:
        raise BackupError(f"{exc}; stop it first (systemctl stop store-edge)") from None


def _swap(source: Path, db_path: Path, now: datetime) -> Path | None:
    kept: Path | None = None
    incoming = db_path.with_name(db_path.name + ".restoring")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _copy(src, incoming)
    finally:
        src.close()
    _fsync(incoming)
    if db_path.exists():
        # Fold a crashed node's WAL into the old file first, so what we keep is complete.
        with contextlib.closing(sqlite3.connect(db_path)) as old:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
        db_path.rename(kept)
    for side in ("-wal", "-shm"):
        Path(f"{db_path}{side}").unlink(missing_ok=True)
    incoming.rename(db_path)
    return kept
