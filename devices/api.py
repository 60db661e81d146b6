"""HTTP: device state, reprints, the drawer, X/Z reports and test pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict

from devices import service
from devices.api_models import Devices, Queued, ReportQueued, Reprinted
from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import Credentials

# The drawer and a Z report are a supervisor's (403).
router = APIRouter(tags=["devices"], responses=raises(403))
RegisterId = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,8}$")]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approver: Credentials | None = None


def _approver(body: ApprovalIn | None) -> tuple[str, str] | None:
    if body is None or body.approver is None:
        return None
    return body.approver.username, body.approver.pin


@router.get("/devices", response_model=Devices)
def list_devices(ctx: CtxDep, _actor: ActorDep) -> dict[str, Any]:
    """Printers (online, offline, paper_low, paper_out, cover_open, error, unknown; queue
    depth), cash drawers and scanners."""
    return service.devices_status(ctx)


# A sale registered on the fiscal device gets its copy from the device, not here (409).
@router.post(
    "/sales/{receipt_no}/reprint", status_code=202, response_model=Reprinted, responses=raises(409)
)
def reprint(ctx: CtxDep, actor: ActorDep, receipt_no: str) -> dict[str, Any]:
    """Prints the receipt again on this register's printer, marked "DUPLIKAT / COPY"."""
    return service.reprint(ctx, receipt_no, actor)


@router.post("/devices/drawers/{register}/open", status_code=202, response_model=Queued)
def open_drawer(
    ctx: CtxDep, actor: ActorDep, register: RegisterId, body: ApprovalIn | None = None
) -> dict[str, Any]:
    """Opens the register's cash drawer: a supervisor's session or PIN (`approver`)."""
    return service.open_drawer(ctx, register, actor, _approver(body))


@router.post(
    "/devices/reports/{kind}", status_code=202, response_model=ReportQueued, responses=raises(409)
)
def print_report(
    ctx: CtxDep,
    actor: ActorDep,
    kind: Literal["x", "z"],
    register: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{1,8}$")] = None,
    body: ApprovalIn | None = None,
) -> dict[str, Any]:
    """X report (the day so far) or Z report (closes the day; supervisor)."""
    return service.print_report(ctx, kind, register or actor.register, actor, _approver(body))


@router.post("/devices/printers/{name}/test", status_code=202, response_model=Queued)
def test_print(ctx: CtxDep, _actor: ActorDep, name: str) -> dict[str, Any]:
    return service.test_print(ctx, name)
