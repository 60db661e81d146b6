"""Staff roles, what each may do, and the PIN lockout policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

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


def after_failed_pin(failed_attempts: int, now: datetime) -> tuple[int, datetime | None]:
    """The new (attempts, locked_until) after a wrong PIN: locked for a while after too many."""
    attempts = failed_attempts + 1
    if attempts >= MAX_PIN_ATTEMPTS:
        return 0, now + LOCKOUT
    return attempts, None


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 12
