"""Click & collect at the counter, and endless-aisle orders from the kiosk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field, field_validator

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.pickups_out import Collected, PickupOut, Pickups
from edge.api.schemas import Credentials, TenderIn, _In, sale_out
from edge.domain import ordering
from edge.domain.pickups import Order, Status
from edge.domain.tenders import Tender
from edge.services import kiosk_orders, pickup_collection, pickups

# An order in another state refuses the step (409); a wrong code counts, and locks (403).
router = APIRouter(tags=["pickups"], responses=raises(403, 409))


class SkuQty(_In):
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=0, le=9999)


def _unique(lines: list[SkuQty] | None) -> list[SkuQty] | None:
    if lines is not None and len({ln.sku for ln in lines}) != len(lines):
        raise ValueError("give each sku once")
    return lines


class ReadyIn(_In):
    shelf: str = Field(min_length=1, max_length=32)


class CollectIn(_In):
    code: str = Field(min_length=1, max_length=12, pattern=r"^\s*\d+\s*$")
    lines: list[SkuQty] | None = Field(None, max_length=200)
    tenders: list[TenderIn] = Field(default_factory=list, max_length=10)

    _check = field_validator("lines")(_unique)


class RefuseIn(_In):
    code: str = Field(min_length=1, max_length=12, pattern=r"^\s*\d+\s*$")


class UnlockIn(_In):
    approval: Credentials | None = None


class Customer(_In):
    """Shapes only: what makes a usable contact is edge/domain/ordering.py's (422 otherwise)."""

    name: str = Field(max_length=4 * ordering.NAME_MAX)
    email: str | None = Field(None, max_length=4 * ordering.EMAIL_MAX)
    phone: str | None = Field(None, max_length=4 * ordering.PHONE_MAX)


class KioskOrderIn(_In):
    lines: list[SkuQty] = Field(min_length=1, max_length=4 * ordering.MAX_LINES)
    customer: Customer
    consent: bool

    _check = field_validator("lines")(_unique)


class KioskOrderOut(BaseModel):
    request_id: str
    number: str = Field(description="what the shopper quotes: the request id's first 8 characters")
    status: str = Field(description="queued: the hub decides, then it is confirmed or refused")


class KioskStatusOut(BaseModel):
    number: str
    request_id: str | None
    order_id: str | None
    status: str = Field(description="requested, rejected, or the order's status")
    reason: str | None = Field(description="why the hub refused it (edge/domain/ordering.py)")
    detail: str | None
    pickup_code: str | None = Field(description="the hub's code, while the order is open")


def order_out(order: Order) -> dict[str, Any]:
    return {
        "order_id": order.order_id,
        "request_id": order.request_id,
        "status": order.status,
        "shelf": order.shelf,
        "customer": dict(order.customer),
        "prepaid": order.prepaid,
        "currency": order.currency,
        "total": order.total,
        "amount_due": order.amount_due,
        "lines": [
            {
                "sku": ln.sku,
                "qty": ln.qty,
                "unit_price": ln.unit_price,
                "reserved": ln.reserved,
                "collected": ln.collected,
                "short": ln.short,
            }
            for ln in order.lines
        ],
        "locked": order.locked,
        "code_attempts": order.code_attempts,
        "receipt_no": order.receipt_no,
        "created_at": order.created_at.isoformat(),
        "expires_at": order.expires_at.isoformat(),
    }


@router.get("/pickups", response_model=Pickups)
def list_pickups(
    ctx: CtxDep,
    _actor: ActorDep,
    status: Status | None = None,
    q: str | None = Query(None, max_length=4000, description="order number, name, phone or QR"),
) -> dict[str, Any]:
    return {"items": [order_out(o) for o in pickups.list_orders(ctx, status, q)]}


@router.get("/pickups/{order_id}", response_model=PickupOut)
def get_pickup(ctx: CtxDep, _actor: ActorDep, order_id: str) -> dict[str, Any]:
    return order_out(pickups.get_order(ctx, order_id))


@router.post("/pickups/{order_id}/picking", response_model=PickupOut)
def start_picking(ctx: CtxDep, actor: ActorDep, order_id: str) -> dict[str, Any]:
    return order_out(pickups.start_picking(ctx, actor, order_id))


@router.post("/pickups/{order_id}/ready", response_model=PickupOut)
def ready(ctx: CtxDep, actor: ActorDep, order_id: str, body: ReadyIn) -> dict[str, Any]:
    return order_out(pickups.mark_ready(ctx, actor, order_id, body.shelf))


@router.post("/pickups/{order_id}/collect", response_model=Collected)
def collect(ctx: CtxDep, actor: ActorDep, order_id: str, body: CollectIn) -> dict[str, Any]:
    """Hands the order over (all of it, or `lines`). Unpaid orders need `tenders`."""
    lines = {ln.sku: ln.qty for ln in body.lines} if body.lines is not None else None
    tenders = [Tender(t.type, t.amount, t.reference) for t in body.tenders]
    done = pickup_collection.collect(ctx, actor, order_id, body.code, lines, tenders)
    out = order_out(done.order)
    out["sale"] = sale_out(done.sale) if done.sale else None
    out["qr"] = done.qr  # a paid order's proof of purchase, also on the collection slip
    return out


@router.post("/pickups/{order_id}/refuse", response_model=PickupOut)
def refuse(ctx: CtxDep, actor: ActorDep, order_id: str, body: RefuseIn) -> dict[str, Any]:
    """The shopper came, proved the code and declined everything: stock goes back."""
    return order_out(pickup_collection.collect(ctx, actor, order_id, body.code, {}).order)


@router.post("/pickups/{order_id}/unlock", response_model=PickupOut)
def unlock(ctx: CtxDep, actor: ActorDep, order_id: str, body: UnlockIn) -> dict[str, Any]:
    approver = (body.approval.username, body.approval.pin) if body.approval else None
    return order_out(pickup_collection.unlock(ctx, actor, order_id, approver))


@router.post("/kiosk/orders", status_code=202, responses=raises(429, 503))
def kiosk_order(ctx: CtxDep, body: KioskOrderIn, request: Request) -> KioskOrderOut:
    """A shopper's pickup order from the kiosk: queued for the hub (also while offline). The
    hub prices it and answers with the order and its pickup code, or refuses it with a reason:
    `GET /kiosk/orders/{request_id}` tells which. Rate-limited per kiosk and per shopper (429)."""
    made = kiosk_orders.request_order(
        ctx,
        [(ln.sku, ln.qty) for ln in body.lines if ln.qty],
        body.customer.model_dump(),
        body.consent,
        kiosk=request.client.host if request.client else "unknown",
    )
    return KioskOrderOut(request_id=made.request_id, number=made.number, status="queued")


@router.get("/kiosk/orders/{request_id}")
def kiosk_order_status(
    ctx: CtxDep, request_id: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]
) -> KioskStatusOut:
    """A kiosk order's fate by its full request id (the slip's QR carries it)."""
    st = kiosk_orders.order_status(ctx, request_id)
    return KioskStatusOut(
        number=st.number, request_id=st.request_id, order_id=st.order_id, status=st.status,
        reason=st.reason, detail=st.detail, pickup_code=st.pickup_code,
    )  # fmt: skip
