"""Cash in and out of the drawer at the cashier's register."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import Credentials, _In
from edge.api.till_out import CashMoved
from edge.services import cash

router = APIRouter(tags=["cash"])


class CashIn(_In):
    kind: Literal["in", "out"]
    amount: int = Field(gt=0, description="minor units")
    reason: str = Field("", max_length=200)
    approver: Credentials | None = None


@router.post("/cash", status_code=201, response_model=CashMoved, responses=raises(403))
def move_cash(ctx: CtxDep, actor: ActorDep, body: CashIn) -> dict[str, Any]:
    """Cash put in (float) or taken out (bank drop; needs a supervisor) outside a sale."""
    approver = (body.approver.username, body.approver.pin) if body.approver else None
    return cash.move_cash(ctx, actor, actor.register, body.kind, body.amount, body.reason, approver)
