"""Managing staff accounts (the `store-edge users` commands)."""

from __future__ import annotations

from edge.domain.errors import Conflict, InvalidInput, NotFound
from edge.domain.staff import Role, StaffMember, valid_pin
from edge.services.auth import hash_pin
from edge.services.context import Context
from edge.store import staff_repo

DEMO_STAFF = (
    ("cashier", "1234", Role.CASHIER, "Kasjer Demo"),
    ("supervisor", "4321", Role.SUPERVISOR, "Kierownik Demo"),
)


def add_user(
    ctx: Context, username: str, pin: str, role: Role, display_name: str = "", demo: bool = False
) -> StaffMember:
    if not username or not username.replace(".", "").replace("-", "").isalnum():
        raise InvalidInput("a username is letters, digits, dots and dashes")
    if not valid_pin(pin):
        raise InvalidInput("a PIN is 4 to 12 digits")
    member = StaffMember(username, role, display_name or username)
    pin_hash = hash_pin(pin)
    with ctx.db.transaction() as conn:
        if staff_repo.get(conn, username) is not None:
            raise Conflict(f"user {username} already exists")
        staff_repo.add(conn, member, pin_hash, ctx.clock(), demo=demo)
    return member


def list_users(ctx: Context) -> list[StaffMember]:
    with ctx.db.read() as conn:
        return staff_repo.all_members(conn)


def disable_user(ctx: Context, username: str) -> None:
    with ctx.db.transaction() as conn:
        if not staff_repo.set_disabled(conn, username, True):
            raise NotFound(f"no user {username}")


def seed_demo_staff(ctx: Context) -> bool:
    """Adds the demo cashier and supervisor to a database that has no staff yet."""
    with ctx.db.read() as conn:
        if staff_repo.all_members(conn):
            return False
    for username, pin, role, name in DEMO_STAFF:
        add_user(ctx, username, pin, role, name, demo=True)
    return True


def demo_staff_active(ctx: Context) -> list[str]:
    with ctx.db.read() as conn:
        return staff_repo.demo_active(conn)
