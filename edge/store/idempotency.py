"""Stored results of idempotent writes: a retry with the same key returns the first result."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime
from typing import Any

from edge.domain.errors import Conflict


def request_hash(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def lookup(conn: sqlite3.Connection, key: str, scope: str, req_hash: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT scope, request_hash, response FROM idempotency WHERE key = ?", [key]
    ).fetchone()
    if row is None:
        return None
    if row["scope"] != scope or row["request_hash"] != req_hash:
        raise Conflict("this Idempotency-Key was already used for a different request", key=key)
    response: dict[str, Any] = json.loads(row["response"])
    return response


def remember(
    conn: sqlite3.Connection,
    key: str,
    scope: str,
    req_hash: str,
    response: dict[str, Any],
    at: datetime,
    status: int = 200,
) -> None:
    conn.execute(
        "INSERT INTO idempotency (key, scope, request_hash, status, response, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [key, scope, req_hash, status, json.dumps(response, ensure_ascii=False), at.isoformat()],
    )
