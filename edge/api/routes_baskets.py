"""Baskets and checkout at a register. Every write needs a cashier session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Response

from edge.api.basket_out import BasketOut, BasketWithLine, CheckoutOut
from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import (
    CheckoutIn,
    Credentials,
    DiscountIn,
    LineIn,
    PriceIn,
    QtyIn,
    basket_out,
    sale_out,
)
from edge.domain.tenders import Tender
from edge.inline import inline
from edge.services import baskets, checkout

# A basket already paid or cancelled refuses changes (409); money off past a cashier's limit
# needs a supervisor (403).
router = APIRouter(tags=["baskets"], responses=raises(403, 409))


def _approver(c: Credentials | None) -> tuple[str, str] | None:
    return (c.username, c.pin) if c else None


# Opening, reading and editing a basket are what a till does at scan rate: they run on the event
# loop when the database lets them through at once (edge/inline.py). Discounts and price
# overrides may hash a supervisor's PIN and checkout runs the parts' hooks: those keep a thread.


@router.post("/baskets", status_code=201, response_model=BasketOut)
async def create_basket(ctx: CtxDep, actor: ActorDep) -> dict[str, Any]:
    return basket_out(await inline(baskets.create_basket, ctx, actor))


@router.get("/baskets/{basket_id}", response_model=BasketOut)
async def get_basket(ctx: CtxDep, _actor: ActorDep, basket_id: str) -> dict[str, Any]:
    return basket_out(await inline(baskets.get_basket, ctx, basket_id))


@router.post("/baskets/{basket_id}/lines", status_code=201, response_model=BasketWithLine)
async def add_line(ctx: CtxDep, actor: ActorDep, basket_id: str, body: LineIn) -> dict[str, Any]:
    """Scan: `code` is a barcode or GS1 string (or a SKU typed in); `sku` adds by SKU."""
    view, line = await inline(
        baskets.add_line, ctx, basket_id, body.code, body.sku, body.qty, actor=actor
    )
    return {**basket_out(view), "line_id": line.line_id}


@router.patch("/baskets/{basket_id}/lines/{line_id}", response_model=BasketOut)
def set_quantity(
    ctx: CtxDep, actor: ActorDep, basket_id: str, line_id: int, body: QtyIn
) -> dict[str, Any]:
    """A new quantity; refused (403) when it leaves a discount larger than its approval
    covers, unless a supervisor approves it (their session or `approver`)."""
    approver = _approver(body.approver)
    return basket_out(
        baskets.set_quantity(ctx, basket_id, line_id, body.qty, actor=actor, approver=approver)
    )


@router.delete("/baskets/{basket_id}/lines/{line_id}", response_model=BasketOut)
async def remove_line(ctx: CtxDep, actor: ActorDep, basket_id: str, line_id: int) -> dict[str, Any]:
    return basket_out(await inline(baskets.remove_line, ctx, basket_id, line_id, actor=actor))


@router.post("/baskets/{basket_id}/lines/{line_id}/discount", response_model=BasketOut)
def discount_line(
    ctx: CtxDep, actor: ActorDep, basket_id: str, line_id: int, body: DiscountIn
) -> dict[str, Any]:
    """Cashiers may give up to the configured percentage; above it a supervisor approves."""
    return basket_out(
        baskets.discount_line(
            ctx, actor, basket_id, line_id, body.percent, body.amount, _approver(body.approver)
        )
    )


@router.post("/baskets/{basket_id}/lines/{line_id}/price", response_model=BasketOut)
def override_price(
    ctx: CtxDep, actor: ActorDep, basket_id: str, line_id: int, body: PriceIn
) -> dict[str, Any]:
    """A manual price always needs a supervisor (their session or their PIN in `approver`)."""
    return basket_out(
        baskets.override_price(
            ctx, actor, basket_id, line_id, body.unit_price, _approver(body.approver)
        )
    )


@router.post("/baskets/{basket_id}/discount", response_model=BasketOut)
def discount_basket(
    ctx: CtxDep, actor: ActorDep, basket_id: str, body: DiscountIn
) -> dict[str, Any]:
    return basket_out(
        baskets.discount_basket(
            ctx, actor, basket_id, body.percent, body.amount, _approver(body.approver)
        )
    )


@router.post("/baskets/{basket_id}/cancel", response_model=BasketOut)
async def cancel_basket(ctx: CtxDep, _actor: ActorDep, basket_id: str) -> dict[str, Any]:
    return basket_out(await inline(baskets.cancel_basket, ctx, basket_id))


# Keys the node's parts did not add (no fiscal device, no member) stay out, not null.
@router.post(
    "/baskets/{basket_id}/checkout",
    status_code=201,
    response_model=CheckoutOut,
    response_model_exclude_unset=True,
)
def checkout_basket(
    ctx: CtxDep,
    actor: ActorDep,
    basket_id: str,
    body: CheckoutIn,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
) -> dict[str, Any]:
    """Pays the basket. Retrying with the same Idempotency-Key returns the first result."""
    tenders = [Tender(t.type, t.amount, t.reference) for t in body.tenders]
    result = checkout.checkout(ctx, actor, basket_id, tenders, idempotency_key)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return {**sale_out(result.sale), **result.extra}
