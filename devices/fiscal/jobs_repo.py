"""The fiscal jobs and daily reports tables (devices migrations 3 and 4)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from devices.fiscal.port import LastDocument


@dataclass(frozen=True, slots=True)
class Job:
    receipt_no: str
    state: str
    total: int
    before: int | None
    before_total: int | None  # the device's receipts' totalizers when `before` was read
    number: int | None
    attempts: int
    last_error: str | None


def _job(row: sqlite3.Row) -> Job:
    return Job(row["receipt_no"], row["state"], row["total"], row["before"],
               row["before_total"], row["number"], row["attempts"], row["last_error"])  # fmt: skip


def add(conn: sqlite3.Connection, receipt_no: str, total: int, at: datetime,
        before: LastDocument | None = None) -> None:  # fmt: skip
    conn.execute(
        "INSERT INTO fiscal_jobs (receipt_no, state, total, before, before_total, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [receipt_no, "pending" if before is None else "sending", total,
         before.number if before else None, before.receipts_total if before else None,
         at.isoformat()],
    )  # fmt: skip


def get(conn: sqlite3.Connection, receipt_no: str) -> Job | None:
    row = conn.execute("SELECT * FROM fiscal_jobs WHERE receipt_no = ?", [receipt_no]).fetchone()
    return _job(row) if row else None


def unfinished(conn: sqlite3.Connection) -> list[Job]:
    rows = conn.execute(
        "SELECT * FROM fiscal_jobs WHERE state != 'done' ORDER BY created_at, rowid"
    ).fetchall()
    return [_job(r) for r in rows]


def claimed(conn: sqlite3.Connection, number: int, by_other_than: str) -> bool:
    """Whether another sale is already done as the device's document `number`."""
    row = conn.execute(
        "SELECT 1 FROM fiscal_jobs WHERE state = 'done' AND number = ? AND receipt_no != ?",
        [number, by_other_than],
    ).fetchone()
    return row is not None


def sending(conn: sqlite3.Connection, receipt_no: str, before: LastDocument) -> None:
    conn.execute(
        "UPDATE fiscal_jobs SET state = 'sending', before = ?, before_total = ?,"
        " attempts = attempts + 1, last_error = NULL WHERE receipt_no = ?",
        [before.number, before.receipts_total, receipt_no],
    )


def failed_attempt(conn: sqlite3.Connection, receipt_no: str, error: str) -> None:
    conn.execute(
        "UPDATE fiscal_jobs SET last_error = ?, attempts = attempts + 1 WHERE receipt_no = ?",
        [error[:500], receipt_no],
    )


def done(conn: sqlite3.Connection, receipt_no: str, number: int, at: datetime) -> None:
    conn.execute(
        "UPDATE fiscal_jobs SET state = 'done', number = ?, done_at = ?, last_error = NULL"
        " WHERE receipt_no = ?",
        [number, at.isoformat(), receipt_no],
    )


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    rows = conn.execute("SELECT state, count(*) FROM fiscal_jobs GROUP BY state").fetchall()
    return {r[0]: r[1] for r in rows}


def add_report(conn: sqlite3.Connection, number: int, at: datetime, by: str, receipts: int,
               totals: dict[str, int]) -> None:  # fmt: skip
    conn.execute(
        "INSERT OR REPLACE INTO fiscal_reports (number, at, by, receipts, totals)"
        " VALUES (?, ?, ?, ?, ?)",
        [number, at.isoformat(), by, receipts, json.dumps(totals)],
    )


def reports(conn: sqlite3.Connection, limit: int = 31) -> list[dict[str, object]]:
    rows = conn.execute(
        "SELECT * FROM fiscal_reports ORDER BY number DESC LIMIT ?", [limit]
    ).fetchall()
    return [{**dict(r), "totals": json.loads(r["totals"])} for r in rows]
