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
from edge.domain.staff import Role, reserve_address, reserve_attempt, valid_pin
from edge.services.context import Context
from edge.store import staff_repo

# scrypt work factors: ~50 ms on a store box, so a stolen database cannot be brute-forced over
# the 10^4..10^6 PIN space in seconds.
_N, _R, _P = 2**14, 8, 1
# Checked instead of a hash when the user is unknown or disabled: it costs the same scrypt, so
# the time of an answer does not tell which usernames exist.
_NO_SUCH_USER = "$".join(
    ["scrypt", str(_N), str(_R), str(_P), base64.b64encode(b"\0" * 16).decode(),
     base64.b64encode(b"\1" * 32).decode()]
)  # fmt: skip


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
    address: str | None = None  # the client's address: PIN limits count per address too

    def require(self, role: Role) -> None:
        if not self.role.at_least(role):
            raise Forbidden(f"this needs a {role.value}; {self.username} is a {self.role.value}")


@dataclass(frozen=True, slots=True)
class Session:
    token: str
    actor: Actor
    expires_at: datetime


def _verify(ctx: Context, username: str, pin: str, address: str | None = None) -> Actor:
    """Checks a PIN (edge/domain/staff.py): the attempt is counted in a write transaction
    before the slow hash, which runs outside the write lock so that logins never stall a
    checkout on another lane; only a right PIN writes again (to reset the count)."""
    now, cfg = ctx.clock(), ctx.settings.selling
    locked: AccountLocked | None = None
    until = None
    with ctx.db.transaction() as conn:
        if address is not None:
            window = timedelta(minutes=cfg.address_block_minutes)
            state = staff_repo.address_throttle(conn, address)
            state = reserve_address(state, now, cfg.address_max_failures, window)
            staff_repo.set_address_throttle(conn, address, state)
        found = staff_repo.get(conn, username)
        if found is not None and found[0].disabled:
            found = None
        if found is not None:
            try:
                attempts, until = reserve_attempt(found[0], now)
                staff_repo.set_attempts(conn, username, attempts, until)
            except AccountLocked as exc:
                locked = exc  # raised after the commit: the address's count stands
    if locked is not None:
        raise locked
    # Same message and the same scrypt for an unknown user as for a wrong PIN: neither the
    # answer nor its time tells which usernames exist.
    ok = check_pin(pin, found[1] if found is not None else _NO_SUCH_USER)
    if found is None or not ok:
        if until is not None:
            raise AccountLocked(
                f"{username} is locked until {until:%H:%M} UTC after too many wrong PINs",
                locked_until=until.isoformat(),
            )
        raise Unauthorized("unknown user or wrong PIN")
    member = found[0]
    with ctx.db.transaction() as conn:
        staff_repo.set_attempts(conn, username, 0, None)
        if address is not None:
            staff_repo.address_succeeded(conn, address)
    return Actor(
        member.username, member.role, ctx.settings.store.register_id, member.display_name, address
    )


def login(
    ctx: Context, username: str, pin: str, register: str | None = None, address: str | None = None
) -> Session:
    if not valid_pin(pin):
        raise InvalidInput("a PIN is 4 to 12 digits")
    actor = _verify(ctx, username, pin, address)
    register = register or ctx.settings.store.register_id
    if not register.isalnum() or len(register) > 8:
        raise InvalidInput("a register id is 1 to 8 letters or digits")
    token = secrets.token_urlsafe(32)
    now = ctx.clock()
    expires = now + timedelta(minutes=ctx.settings.selling.session_minutes)
    with ctx.db.transaction() as conn:
        staff_repo.add_session(conn, _token_hash(token), username, register, now, expires)
    actor = Actor(actor.username, actor.role, register, actor.display_name, address)
    return Session(token, actor, expires)


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
    by = _verify(ctx, approver[0], approver[1], actor.address)
    if not by.role.at_least(needed):
        raise ApprovalRequired(f"{what} needs a {needed.value}; {by.username} is a {by.role.value}")
    return by.username
