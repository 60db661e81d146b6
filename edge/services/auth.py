"""Cashier sessions: PIN login with lockout, bearer tokens that expire, supervisor approval."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from edge.domain.errors import (
    AccountLocked,
    ApprovalRequired,
    Forbidden,
    InvalidInput,
    Unauthorized,
)
from edge.domain.staff import Role, after_failed_pin, valid_pin
from edge.services.context import Context
from edge.store import staff_repo

# scrypt work factors: ~50 ms on a store box, so a stolen database cannot be brute-forced over
# the 10^4..10^6 PIN space in seconds.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return "$".join(["scrypt", str(_N), str(_R), str(_P), *encoded])


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is doing something: a logged-in member of staff at a register."""

    username: str
    role: Role
    register: str
    display_name: str = ""

    def require(self, role: Role) -> None:
        if not self.role.at_least(role):
            raise Forbidden(f"this needs a {role.value}; {self.username} is a {self.role.value}")


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    actor: Actor
    expires_at: datetime


def _verify(ctx: Context, username: str, pin: str) -> Actor:
    """Checks a PIN, counting failures and locking the account after too many. The slow hash
    runs outside the write lock so that logins never stall a checkout on another lane."""
    now = ctx.clock()
    with ctx.db.read() as conn:
        found = staff_repo.get(conn, username)
    if found is None or found[0].disabled:
        # Same message as a wrong PIN: do not reveal which usernames exist.
        raise Unauthorized("unknown user or wrong PIN")
    member, pin_hash = found
    if member.locked(now):
        raise AccountLocked(
            f"{username} is locked after too many wrong PINs; try again later or ask a supervisor",
            locked_until=member.locked_until.isoformat() if member.locked_until else None,
        )
    ok = check_pin(pin, pin_hash)
    with ctx.db.transaction() as conn:
        current = staff_repo.get(conn, username)
        attempts_now = current[0].failed_attempts if current else 0
        if ok:
            if attempts_now or member.locked_until:
                staff_repo.set_attempts(conn, username, 0, None)
            return Actor(
                member.username, member.role, ctx.settings.store.register_id, member.display_name
            )
        attempts, until = after_failed_pin(attempts_now, now)
        staff_repo.set_attempts(conn, username, attempts, until)
    # Committed above: the failed attempt counts even though this request fails.
    if until is not None:
        raise AccountLocked(
            f"{username} is locked until {until:%H:%M} UTC after too many wrong PINs",
            locked_until=until.isoformat(),
        )
    raise Unauthorized("unknown user or wrong PIN")


def login(ctx: Context, username: str, pin: str, register: str | None = None) -> Session:
    if not valid_pin(pin):
        raise InvalidInput("a PIN is 4 to 12 digits")
    actor = _verify(ctx, username, pin)
    register = register or ctx.settings.store.register_id
    if not register.isalnum() or len(register) > 8:
        raise InvalidInput("a register id is 1 to 8 letters or digits")
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    expires = now + timedelta(minutes=ctx.settings.selling.session_minutes)
    with ctx.db.transaction() as conn:
        staff_repo.add_session(conn, _token_hash(token), username, register, now, expires)
    return Session(token, Actor(actor.username, actor.role, register, actor.display_name), expires)


def authenticate(ctx: Context, token: str) -> Actor:
    with ctx.db.read() as conn:
        row = staff_repo.session(conn, _token_hash(token))
    if row is None or row["disabled"]:
        raise Unauthorized("not logged in (unknown or ended session)")
    if datetime.fromisoformat(row["expires_at"]) <= ctx.clock():
        raise Unauthorized("the session has expired; log in again")
    return Actor(row["username"], Role(row["role"]), row["register"], row["display_name"])


def logout(ctx: Context, token: str) -> None:
    with ctx.db.transaction() as conn:
        staff_repo.end_session(conn, _token_hash(token))


def approval(
    ctx: Context, actor: Actor, needed: Role, approver: tuple[str, str] | None, what: str
) -> str:
    """Who approves a restricted action: the actor if senior enough, else the supervisor whose
    credentials came with the request. Returns the approver's username."""
    if actor.role.at_least(needed):
        return actor.username
    if approver is None:
        raise ApprovalRequired(f"{what} needs a {needed.value}'s approval")
    by = _verify(ctx, approver[0], approver[1])
    if not by.role.at_least(needed):
        raise ApprovalRequired(f"{what} needs a {needed.value}; {by.username} is a {by.role.value}")
    return by.username
