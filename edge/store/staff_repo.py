"""Staff accounts and their sessions. PINs are stored as salted scrypt hashes; tokens only as
their SHA-256 (a stolen database does not give working tokens)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from edge.domain.staff import AddressThrottle, Role, StaffMember


def _member(row: sqlite3.Row) -> StaffMember:
    return StaffMember(
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        disabled=bool(row["disabled"]),
        failed_attempts=row["failed_attempts"],
        locked_until=datetime.fromisoformat(row["locked_until"]) if row["locked_until"] else None,
    )


def get(conn: sqlite3.Connection, username: str) -> tuple[StaffMember, str] | None:
    row = conn.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    return (_member(row), row["pin_hash"]) if row else None


def all_members(conn: sqlite3.Connection) -> list[StaffMember]:
    return [_member(r) for r in conn.execute("SELECT * FROM users ORDER BY username")]


def add(
    conn: sqlite3.Connection, member: StaffMember, pin_hash: str, at: datetime, demo: bool = False
) -> None:
    conn.execute(
        "INSERT INTO users (username, display_name, role, pin_hash, demo, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            member.username,
            member.display_name,
            member.role.value,
            pin_hash,
            int(demo),
            at.isoformat(),
        ],
    )


def set_attempts(
    conn: sqlite3.Connection, username: str, attempts: int, locked_until: datetime | None
) -> None:
    conn.execute(
        "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
        [attempts, locked_until.isoformat() if locked_until else None, username],
    )


def address_throttle(conn: sqlite3.Connection, address: str) -> AddressThrottle | None:
    row = conn.execute("SELECT * FROM login_addresses WHERE address = ?", [address]).fetchone()
    if row is None:
        return None
    blocked = row["blocked_until"]
    return AddressThrottle(
        row["failures"],
        datetime.fromisoformat(row["window_start"]),
        datetime.fromisoformat(blocked) if blocked else None,
    )


def set_address_throttle(conn: sqlite3.Connection, address: str, state: AddressThrottle) -> None:
    blocked = state.blocked_until.isoformat() if state.blocked_until else None
    conn.execute(
        "INSERT INTO login_addresses (address, failures, window_start, blocked_until)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (address) DO UPDATE SET failures = excluded.failures,"
        " window_start = excluded.window_start, blocked_until = excluded.blocked_until",
        [address, state.failures, state.window_start.isoformat(), blocked],
    )


def address_succeeded(conn: sqlite3.Connection, address: str) -> None:
    """A right PIN was not a failure after all: its attempt no longer counts (a block stays)."""
    conn.execute(
        "UPDATE login_addresses SET failures = max(0, failures - 1) WHERE address = ?", [address]
    )


def set_disabled(conn: sqlite3.Connection, username: str, disabled: bool) -> bool:
    cur = conn.execute(
        "UPDATE users SET disabled = ? WHERE username = ?", [int(disabled), username]
    )
    if disabled:
        conn.execute("DELETE FROM sessions WHERE username = ?", [username])
    return cur.rowcount > 0


def demo_active(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT username FROM users WHERE demo = 1 AND disabled = 0 ORDER BY username"
        )
    ]


def add_session(
    conn: sqlite3.Connection,
    token_hash: str,
    username: str,
    register: str,
    at: datetime,
    expires: datetime,
) -> None:
    conn.execute("DELETE FROM sessions WHERE expires_at < ?", [at.isoformat()])
    conn.execute(
        "INSERT INTO sessions (token_hash, username, register, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [token_hash, username, register, at.isoformat(), expires.isoformat()],
    )


def session(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT s.username, s.register, s.expires_at, u.role, u.disabled, u.display_name"
        " FROM sessions s JOIN users u ON u.username = s.username WHERE s.token_hash = ?",
        [token_hash],
    ).fetchone()
    return row


def end_session(conn: sqlite3.Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM sessions WHERE token_hash = ?", [token_hash])
