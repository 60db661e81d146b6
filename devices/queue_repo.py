"""The persistent print queue: SQL only."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    printer: str
    kind: str
    ref: str | None
    payload: dict[str, Any]
    copy: bool
    attempts: int
    expires_at: datetime | None


def _job(row: sqlite3.Row) -> Job:
    return Job(
        id=row["id"],
        printer=row["printer"],
        kind=row["kind"],
        ref=row["ref"],
        payload=json.loads(row["payload"]),
        copy=bool(row["copy"]),
        attempts=row["attempts"],
        expires_at=datetime.fromisoformat(row["expires_at"]) if row["expires_at"] else None,
    )


def add(
    conn: sqlite3.Connection,
    printer: str,
    kind: str,
    payload: dict[str, Any],
    at: datetime,
    *,
    ref: str | None = None,
    copy: bool = False,
    expires_at: datetime | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO print_jobs (printer, kind, ref, payload, copy, next_at, expires_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            printer,
            kind,
            ref,
            json.dumps(payload, ensure_ascii=False, default=str),
            int(copy),
            at.isoformat(),
            expires_at.isoformat() if expires_at else None,
            at.isoformat(),
        ],
    )
    return int(cur.lastrowid or 0)


def next_due(conn: sqlite3.Connection, printer: str, now: datetime) -> Job | None:
    """The printer's oldest queued job, if it is due (jobs print in order: a job waiting for
    its retry holds back the ones behind it)."""
    row = conn.execute(
        "SELECT * FROM print_jobs WHERE printer = ? AND state = 'queued' ORDER BY id LIMIT 1",
        [printer],
    ).fetchone()
    if row is None or row["next_at"] > now.isoformat():
        return None
    return _job(row)


def mark_sending(conn: sqlite3.Connection, job_id: int) -> None:
    conn.execute(
        "UPDATE print_jobs SET state = 'sending', attempts = attempts + 1 WHERE id = ?", [job_id]
    )


def mark_done(conn: sqlite3.Connection, job_id: int, at: datetime, state: str = "done") -> None:
    conn.execute(
        "UPDATE print_jobs SET state = ?, done_at = ?, last_error = NULL WHERE id = ?",
        [state, at.isoformat(), job_id],
    )


def mark_failed(conn: sqlite3.Connection, job_id: int, error: str, at: datetime) -> None:
    conn.execute(
        "UPDATE print_jobs SET state = 'failed', last_error = ?, done_at = ? WHERE id = ?",
        [error[:500], at.isoformat(), job_id],
    )


def retry(
    conn: sqlite3.Connection, job_id: int, error: str, at: datetime, *, as_copy: bool
) -> None:
    """Back to the queue at `at`; `as_copy` once any of it may have reached the paper."""
    conn.execute(
        "UPDATE print_jobs SET state = 'queued', next_at = ?, last_error = ?,"
        " copy = MAX(copy, ?), attempts = attempts + (state = 'queued') WHERE id = ?",
        [at.isoformat(), error[:500], int(as_copy), job_id],
    )


def recover_interrupted(conn: sqlite3.Connection, now: datetime) -> int:
    """After a crash: jobs caught mid-transfer are printed again as copies."""
    cur = conn.execute(
        "UPDATE print_jobs SET state = 'queued', copy = 1, next_at = ?,"
        " last_error = 'interrupted (node restarted while printing)' WHERE state = 'sending'",
        [now.isoformat()],
    )
    return cur.rowcount


def depth(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT printer, COUNT(*) FROM print_jobs WHERE state IN ('queued', 'sending')"
            " GROUP BY printer"
        )
    }


def last_errors(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT printer, last_error FROM print_jobs WHERE state = 'queued'"
            " AND last_error IS NOT NULL ORDER BY id DESC"
        )
    }


def failures(conn: sqlite3.Connection, since: datetime) -> dict[str, tuple[int, dict[str, Any]]]:
    """Per printer: jobs marked failed since `since`, and the latest of them."""
    out: dict[str, tuple[int, dict[str, Any]]] = {}
    for r in conn.execute(
        "SELECT printer, id, kind, last_error, done_at FROM print_jobs WHERE state = 'failed'"
        " AND done_at >= ? ORDER BY id",
        [since.isoformat()],
    ):
        count = out.get(r[0], (0, {}))[0] + 1
        out[r[0]] = (count, {"job_id": r[1], "kind": r[2], "error": r[3], "at": r[4]})
    return out


def jobs(
    conn: sqlite3.Connection, kind: str | None = None, ref: str | None = None
) -> list[dict[str, Any]]:
    where, params = [], []
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if ref is not None:
        where.append("ref = ?")
        params.append(ref)
    sql = "SELECT * FROM print_jobs" + (" WHERE " + " AND ".join(where) if where else "")
    return [dict(r) for r in conn.execute(sql + " ORDER BY id", params)]


def backoff(attempts: int, first_s: float, max_s: float) -> timedelta:
    return timedelta(seconds=min(max_s, first_s * 2 ** max(0, attempts - 1)))
