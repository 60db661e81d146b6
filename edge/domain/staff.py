"""Staff roles, what each may do, and the PIN lockout policy.

Every PIN attempt is counted BEFORE its PIN is checked, in the write transaction that reads the
count (a failure until it proves right): attempts racing each other are counted one after the
other, the one that reaches the limit locks, and every later one finds the lock and is never
checked. A wrong PIN writes nothing after its check, so it can never clear a lock; only a right
one resets the count. The same holds per client address, across accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from edge.domain.errors import AccountLocked, RateLimited

MAX_PIN_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)


class Role(Enum):
    CASHIER = "cashier"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {"cashier": 1, "supervisor": 2, "admin": 3}[self.value]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


@dataclass(frozen=True, slots=True)
class StaffMember:
    username: str
    role: Role
    display_name: str = ""
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def reserve_attempt(
    member: StaffMember, now: datetime, max_attempts: int = MAX_PIN_ATTEMPTS
) -> tuple[int, datetime | None]:
    """Counts one more attempt before its PIN is checked: the new (attempts, locked_until).
    The attempt that reaches the limit sets the lock (it is still checked); AccountLocked while
    the account is locked. An expired lock starts the count again."""
    if member.locked(now):
        until = member.locked_until
        raise AccountLocked(
            f"{member.username} is locked after too many wrong PINs; try again later or ask a"
            " supervisor",
            locked_until=until.isoformat() if until else None,
        )
    attempts = (0 if member.locked_until is not None else member.failed_attempts) + 1
    return attempts, now + LOCKOUT if attempts >= max_attempts else None


@dataclass(frozen=True, slots=True)
class AddressThrottle:
    """Wrong PINs from one client address within the current window."""

    failures: int
    window_start: datetime
    blocked_until: datetime | None = None


def reserve_address(
    state: AddressThrottle | None, now: datetime, max_failures: int, window: timedelta
) -> AddressThrottle:
    """Counts one more attempt from an address before its PIN is checked; RateLimited while the
    address is blocked. Reaching `max_failures` within `window` blocks it for `window`."""
    if state is not None and state.blocked_until is not None and now < state.blocked_until:
        wait = (state.blocked_until - now).total_seconds()
        raise RateLimited(
            "too many wrong PINs from this device; wait a while or ask a supervisor",
            retry_after_s=max(1, round(wait)),
        )
    if state is None or now - state.window_start >= window or state.blocked_until is not None:
        state = AddressThrottle(0, now)
    failures = state.failures + 1
    blocked = now + window if failures >= max_failures else None
    return AddressThrottle(failures, state.window_start, blocked)


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 12
