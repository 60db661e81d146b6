"""Returns and exchanges at the counter."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import PlainTextResponse
from pydantic import Field, field_validator, model_validator

from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import Credentials, TenderIn, _In
from edge.api.till_out import PurchaseOut, ReturnOut
from edge.domain.returns import Requested
from edge.domain.tenders import Tender
from edge.services import purchases, returns
from edge.services import returns_register as returns_register_service

router = APIRouter(tags=["returns"])


class ReturnLineIn(_In):
    sku: str = Field(min_length=1, max_length=64)
    qty: int = Field(ge=1, le=999_999)
    reason: str = Field(min_length=1, max_length=32)
    disposition: str = Field("restock", pattern=r"^(restock|damaged|inspection)$")


class ExchangeIn(_In):
    basket_id: str = Field(min_length=1, max_length=64)
    tenders: list[TenderIn] = Field(default_factory=list, max_length=10)


class ReturnIn(_In):
    receipt_no: str | None = Field(None, min_length=1, max_length=64)
    order_id: str | None = Field(None, min_length=1, max_length=64)
    qr: str | None = Field(None, min_length=4, max_length=4000)
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=200)
    approval: Credentials | None = None
    card_reference: str | None = Field(None, max_length=64)
    exchange: ExchangeIn | None = None

    @field_validator("lines")
    @classmethod
    def _unique(cls, lines: list[ReturnLineIn]) -> list[ReturnLineIn]:
        if len({ln.sku for ln in lines}) != len(lines):
            raise ValueError("give each sku once")
        return lines

    @model_validator(mode="after")
    def _one_ref(self) -> ReturnIn:
        if self.receipt_no and self.order_id:
            raise ValueError("give a receipt_no or an order_id, not both")
        return self


# Another store's sale or an online order is looked up at the hub: unreachable, 503.
@router.get("/returns/lookup", response_model=PurchaseOut, responses=raises(404, 503))
def lookup_purchase(
    ctx: CtxDep,
    _actor: ActorDep,
    receipt_no: str | None = Query(None, max_length=64),
    order_id: str | None = Query(None, max_length=64),
    qr: str | None = Query(None, max_length=4000),
) -> dict[str, Any]:
    """What the shopper bought and what is still returnable (before taking the return)."""
    o = purchases.lookup_purchase(ctx, receipt_no, order_id, qr)
    return {
        "kind": o.kind,
        "ref": o.ref,
        "store_id": o.store_id,
        "offline": o.offline,
        "currency": o.currency,
        "lines": [
            {
                "sku": ln.sku,
                "qty": ln.qty,
                "total": ln.total,
                "returned": ln.returned,
                "returnable": ln.returnable,
            }
            for ln in o.lines
        ],
        "tenders": [
            {"type": t.type, "amount": t.amount, "reference": t.reference} for t in o.tenders
        ],
        "reasons": ctx.settings.returns.reason_codes,
    }


@router.post(
    "/returns", status_code=201, response_model=ReturnOut, responses=raises(403, 404, 409, 503)
)
def create_return(
    ctx: CtxDep,
    actor: ActorDep,
    body: ReturnIn,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    """A return of this store's sale (`receipt_no`), another store's sale or an online order
    (looked up at the hub), or offline with the signed `qr`; none of them = without receipt."""
    result = returns.create_return(
        ctx,
        actor,
        [Requested(ln.sku, ln.qty, ln.reason, ln.disposition) for ln in body.lines],
        receipt_no=body.receipt_no,
        order_id=body.order_id,
        qr=body.qr,
        approver=(body.approval.username, body.approval.pin) if body.approval else None,
        card_reference=body.card_reference,
        exchange_basket_id=body.exchange.basket_id if body.exchange else None,
        exchange_tenders=[
            Tender(t.type, t.amount, t.reference)
            for t in (body.exchange.tenders if body.exchange else [])
        ],
        idempotency_key=idempotency_key,
    )
    if result.pop("replayed", False):
        response.headers["Idempotent-Replayed"] = "true"
    return result


@router.get(
    "/returns/register.csv",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "the register, one row per line"}},
)
def returns_register(
    ctx: CtxDep,
    _actor: ActorDep,
    since: Annotated[date | None, Query(description="first day (YYYY-MM-DD)")] = None,
    until: Annotated[date | None, Query(description="last day (YYYY-MM-DD)")] = None,
) -> PlainTextResponse:
    """The returns register (ewidencja zwrotów) as CSV: one row per returned line."""
    body = returns_register_service.to_csv(returns_register_service.rows(ctx, since, until))
    return PlainTextResponse(body, media_type="text/csv; charset=utf-8")


@router.get("/returns/{return_id}", response_model=ReturnOut)
def get_return(ctx: CtxDep, _actor: ActorDep, return_id: str) -> dict[str, Any]:
    return returns.get_return(ctx, return_id)
