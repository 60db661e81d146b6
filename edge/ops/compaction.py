"""Keeps a year of trading small: deletes events the hub acknowledged long ago and receipts
printed long ago, then returns the freed pages to the file system (incremental vacuum).

Only acknowledged events go (seq <= acked_seq): an event the hub has not confirmed is never
deleted, however old. The print-job table belongs to the devices part; compaction adapts to it
if it exists and leaves it alone otherwise."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from edge.background import Periodic
from edge.ops.config import OpsConfig, ops_config
from edge.services.context import Context
from edge.store import outbox
from edge.store.db import Database, connect

log = logging.getLogger(__name__)

PRINT_JOBS = "print_jobs"
DEAD_LETTERS = "sync_dead_letters"  # the sync part's; absent on a node without it
# Finished jobs (on paper, or a drawer pulse that expired unused). Queued, sending and failed
# jobs are kept whatever their age: they are receipts someone may still be owed.
FINISHED_STATES = ("done", "expired")


@dataclass(frozen=True)
class Compacted:
    events: int
    print_jobs: int
    pages_freed: int
    dead_letters: int = 0


def _print_jobs(conn: sqlite3.Connection, cutoff: str) -> int:
    marks = ",".join("?" * len(FINISHED_STATES))
    return conn.execute(
        f"DELETE FROM {PRINT_JOBS} WHERE state IN ({marks}) AND coalesce(done_at, created_at) < ?",
        [*FINISHED_STATES, cutoff],
    ).rowcount


def ensure_incremental(path: str) -> bool:
    """Switches the file to auto_vacuum=INCREMENTAL (a one-time full VACUUM; returns True when
    it did). Done when the node starts, before it serves: a VACUUM holds the write lock for as
    long as it copies the file, which must not happen in the middle of trading."""
    conn = connect(path)
    try:
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
            return False
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
        # The copy goes through a temporary file, not memory: a store box has little RAM and
        # the database can be larger than what is free.
        conn.execute("PRAGMA temp_store = FILE")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        log.info("database switched to incremental vacuum")
        return True
    finally:
        conn.close()


def _vacuum(path: str) -> int:
    """Returns free pages to the file system (on its own connection: VACUUM statements cannot
    run inside a transaction). Cheap: proportional to the pages freed."""
    conn = connect(path)
    try:
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            return 0  # not switched yet (ensure_incremental runs at start-up)
        before: int = conn.execute("PRAGMA freelist_count").fetchone()[0]
        # executescript steps the pragma to completion; Python's execute() steps it once,
        # which frees a single page.
        conn.executescript("PRAGMA incremental_vacuum;")
        after: int = conn.execute("PRAGMA freelist_count").fetchone()[0]
        # The WAL holds the moved pages; fold it so the file really shrinks.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return max(0, before - after)
    finally:
        conn.close()


def _exists(conn: sqlite3.Connection, table: str) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        ).fetchone()
    )


def compact(db: Database, now: datetime, config: OpsConfig) -> Compacted:
    events_cutoff = (now - timedelta(days=config.outbox_keep_days)).isoformat()
    jobs_cutoff = (now - timedelta(days=config.print_jobs_keep_days)).isoformat()
    letters_cutoff = (now - timedelta(days=config.dead_letters_keep_days)).isoformat()
    with db.transaction() as conn:
        acked = outbox.acked_seq(conn)
        events = conn.execute(
            "DELETE FROM outbox WHERE seq <= ? AND at < ?", [acked, events_cutoff]
        ).rowcount
        jobs = _print_jobs(conn, jobs_cutoff) if _exists(conn, PRINT_JOBS) else 0
        letters = (
            conn.execute(f"DELETE FROM {DEAD_LETTERS} WHERE at < ?", [letters_cutoff]).rowcount
            if _exists(conn, DEAD_LETTERS)
            else 0
        )
    freed = _vacuum(str(db.path))
    result = Compacted(events, jobs, freed, letters)
    log.info(
        "compacted the database",
        extra={"events": events, "print_jobs": jobs, "dead_letters": letters,
               "pages_freed": freed},
    )  # fmt: skip
    return result


class Compactor(Periodic):
    """Compacts every `ops.compact_interval_s`; first switches the file to incremental vacuum
    (once, at start-up, before the node says READY: it holds the write lock)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.config: OpsConfig = ops_config(ctx.settings)
        super().__init__(
            "compaction",
            lambda: compact(ctx.db, ctx.clock(), self.config),
            lambda: self.config.compact_interval_s,
            first_wait=True,
        )

    async def start(self) -> None:
        try:
            await asyncio.to_thread(ensure_incremental, str(self.ctx.db.path))
        except sqlite3.Error:
            # Busy or out of space: the node must still start; retried at the next start.
            log.exception("could not switch the database to incremental vacuum")
        await super().start()


def compactor(ctx: Context) -> Compactor:
    return Compactor(ctx)
