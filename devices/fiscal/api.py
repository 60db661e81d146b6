"""HTTP: the fiscal device's state, settling pending sales, the daily report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from devices.api import ApprovalIn, _approver
from devices.api_models import DailyReport, FiscalState, Resolved
from devices.fiscal import jobs_repo, operations, service
from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep

router = APIRouter(tags=["fiscal"])


@router.get("/fiscal", response_model=FiscalState)
def fiscal_state(ctx: CtxDep, _actor: ActorDep) -> dict[str, Any]:
    """The device (emulator or not), its status and the sales waiting for it."""
    with ctx.db.read() as conn:
        reports = jobs_repo.reports(conn)
    return {"device": operations.probe(ctx), "reports": reports}


@router.post("/fiscal/resolve", response_model=Resolved, responses=raises(503))
def resolve(ctx: CtxDep, _actor: ActorDep) -> dict[str, Any]:
    """Registers (or recognises as registered) the sales left pending; lists those still left."""
    return service.resolve(ctx)


@router.post(
    "/fiscal/daily-report",
    status_code=201,
    response_model=DailyReport,
    responses=raises(403, 409, 503),
)
def daily_report(ctx: CtxDep, actor: ActorDep, body: ApprovalIn | None = None) -> dict[str, Any]:
    """The daily fiscal report (raport dobowy), run on the device at shift close; a
    supervisor's decision (their session or their PIN in `approver`)."""
    return operations.daily_report(ctx, actor, _approver(body))
