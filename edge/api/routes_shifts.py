"""A cashier's shift at their register: open with a float, look at it, close with a count."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field
from typing_extensions import TypedDict

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import _In
from edge.api.till_out import ShiftClosed
from edge.domain.errors import NotFound
from edge.domain.shifts import Shift
from edge.services import shifts

router = APIRouter(tags=["shifts"])


class ShiftOpen(_In):
    float: int = Field(ge=0, description="minor units put in the drawer at the start")


class ShiftClose(_In):
    counted: int = Field(ge=0, description="minor units counted in the drawer (blind count)")


class ShiftOut(TypedDict):  # a TypedDict: `register` would shadow BaseModel.register
    id: int
    register: str
    opened_by: str
    opened_at: str
    float: int


def _out(shift: Shift) -> ShiftOut:
    return ShiftOut(id=shift.id, register=shift.register, opened_by=shift.opened_by,
                    opened_at=shift.opened_at.isoformat(), float=shift.float)  # fmt: skip


@router.post("/shifts", status_code=201, response_model=ShiftOut, responses=raises(409))
def open_shift(ctx: CtxDep, actor: ActorDep, body: ShiftOpen) -> ShiftOut:
    """Opens the shift at the cashier's register (409 when one is open there)."""
    return _out(shifts.open_shift(ctx, actor, body.float))


@router.get("/shifts/current", response_model=ShiftOut, responses=raises(404))
def current_shift(ctx: CtxDep, actor: ActorDep) -> ShiftOut:
    shift = shifts.current_shift(ctx, actor.register)
    if shift is None:
        raise NotFound(f"register {actor.register} has no open shift")
    return _out(shift)


@router.post("/shifts/close", response_model=ShiftClosed, responses=raises(409))
def close_shift(ctx: CtxDep, actor: ActorDep, body: ShiftClose) -> dict[str, Any]:
    """Closes it with the cash counted; answers the shift's summary with the expected cash and
    the difference (counted minus expected) now recorded."""
    return shifts.close_shift(ctx, actor, body.counted)
