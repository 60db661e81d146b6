"""Cash in and out of a drawer outside a sale: the morning float, a bank drop, petty cash."""

from __future__ import annotations

from typing import Any, Literal

from edge.domain.errors import InvalidInput
from edge.domain.events import Event
from edge.domain.staff import Role
from edge.services import documents
from edge.services.auth import Actor, approval
from edge.services.context import Context
from edge.store import outbox

CASH_MOVED = "cash.moved"
MAX_AMOUNT = 10_000_000  # 100 000.00: a typo guard, not a policy


def move_cash(
    ctx: Context,
    actor: Actor,
    register: str,
    kind: Literal["in", "out"],
    amount: int,
    reason: str = "",
    approver: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """Records the movement, tells the hub, opens the drawer and prints a slip, in one
    transaction. Taking cash out is a supervisor's decision; putting it in is not."""
    if kind not in ("in", "out"):
        raise InvalidInput("cash moves 'in' or 'out'")
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput("the amount must be positive and at most 100 000,00")
    approved_by = None
    if kind == "out":
        approved_by = approval(ctx, actor, Role.SUPERVISOR, approver, "taking cash out")
    now = ctx.clock()
    data = {"register": register, "kind": kind, "amount": amount, "currency": ctx.currency,
            "reason": reason.strip()[:200], "by": actor.username, "approved_by": approved_by,
            "at": now.isoformat()}  # fmt: skip
    with ctx.db.transaction() as conn:
        data["id"] = conn.execute(
            "INSERT INTO cash_movements (register, kind, amount, currency, reason, by_user,"
            " approved_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [register, kind, amount, ctx.currency, data["reason"], actor.username, approved_by,
             data["at"]],
        ).fetchone()[0]  # fmt: skip
        outbox.append(conn, Event(CASH_MOVED, data), now)
        documents.enqueue(conn, ctx, "cash", data)
    ctx.hooks.outbox_written()
    return data
