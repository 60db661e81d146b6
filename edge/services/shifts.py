"""A cashier's shift and the register's day: open with a float, X (a look) and Z (closes the
day, numbered) summaries per payment type and VAT rate, close with a blind cash count and the
difference recorded. One function per use case, each one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from edge.domain.errors import Conflict, InvalidInput
from edge.domain.shifts import Shift, Summary, summarise
from edge.domain.staff import Role
from edge.services.auth import Actor, approval
from edge.services.cash import MAX_AMOUNT
from edge.services.context import Context
from edge.store import shifts_repo

Approver = tuple[str, str]
# Writes alongside the report in its transaction (the devices part queues the printout).
ReportHook = Callable[[sqlite3.Connection, dict[str, Any]], None]


def _amount(value: int, what: str) -> int:
    if not 0 <= value <= MAX_AMOUNT:
        raise InvalidInput(f"{what} must be between 0 and 100 000,00")
    return value


def open_shift(ctx: Context, actor: Actor, float_: int) -> Shift:
    _amount(float_, "the float")
    with ctx.db.transaction() as conn:
        if shifts_repo.current(conn, actor.register) is not None:
            raise Conflict(f"register {actor.register} already has an open shift")
        return shifts_repo.open_shift(conn, actor.register, actor.username, ctx.clock(), float_)


def current_shift(ctx: Context, register: str) -> Shift | None:
    with ctx.db.read() as conn:
        return shifts_repo.current(conn, register)


def _summary(conn: sqlite3.Connection, register: str, since: str, until: str) -> Summary:
    cash_in, cash_out = shifts_repo.cash_moved(conn, register, since, until)
    return summarise(
        shifts_repo.sold(conn, register, since, until),
        shifts_repo.refunded(conn, register, since, until),
        cash_in,
        cash_out,
        shifts_repo.floats(conn, register, since, until),
    )


def _as_data(
    summary: Summary, register: str, currency: str, since: str, until: str
) -> dict[str, Any]:
    data = asdict(summary)
    data["vat"] = [{"rate": k, "gross": g, "vat": v} for k, (g, v) in summary.vat.items()]
    data.update(register=register, currency=currency, cash=summary.cash,
                **{"from": since if since != "0000" else "", "to": until})  # fmt: skip
    return data


def report(
    ctx: Context,
    kind: str,
    register: str,
    actor: Actor,
    approver: Approver | None = None,
    then: ReportHook | None = None,
) -> dict[str, Any]:
    """X (a look at the day so far, changes nothing) or Z (closes the day: numbered, starts
    the next period; a supervisor's decision): the register's figures since its last Z."""
    if kind not in ("x", "z"):
        raise InvalidInput("a report is 'x' or 'z'")
    if kind == "z":
        approval(ctx, actor, Role.SUPERVISOR, approver, "a Z report")
    now = ctx.clock()
    with ctx.db.transaction() as conn:
        since = shifts_repo.last_z(conn, register)[1] or "0000"
        data = _as_data(_summary(conn, register, since, now.isoformat()), register,
                        ctx.currency, since, now.isoformat())  # fmt: skip
        data.update(kind=kind, by=actor.username)
        if kind == "z":
            data["number"] = shifts_repo.record_z(conn, register, now, data)
        if then is not None:
            then(conn, data)
    return data


def close_shift(ctx: Context, actor: Actor, counted: int) -> dict[str, Any]:
    """Blind count: the cashier gives what the drawer holds before seeing what it should; the
    expected figure and the difference are recorded with the shift's summary."""
    _amount(counted, "the counted cash")
    now: datetime = ctx.clock()
    with ctx.db.transaction() as conn:
        shift = shifts_repo.current(conn, actor.register)
        if shift is None:
            raise Conflict(f"register {actor.register} has no open shift")
        # The float is the shift's own: the period starts just before it was opened.
        since, until = shift.opened_at.isoformat(), now.isoformat()
        summary = _summary(conn, actor.register, since, until)
        summary = Summary(**{**asdict(summary), "float": shift.float})
        data = _as_data(summary, actor.register, ctx.currency, since, until)
        closed = shifts_repo.close(conn, shift.id, actor.username, now, summary.cash, counted,
                                   data)  # fmt: skip
    for hook in ctx.hooks.on_shift_close:
        hook(ctx, closed)
    data.update(kind="shift", counted=counted, expected=summary.cash, by=actor.username,
                difference=closed.difference, shift_id=closed.id)  # fmt: skip
    return data
