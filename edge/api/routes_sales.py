"""Completed sales: one by its receipt number, and the sales journal."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from typing_extensions import TypedDict

from edge.api.basket_out import SaleOut
from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import sale_out
from edge.services import sales

router = APIRouter(tags=["sales"])


class JournalTender(BaseModel):
    type: str
    amount: int
    reference: str | None


class JournalSale(TypedDict):  # a TypedDict: `register` would shadow BaseModel.register
    receipt_no: str
    at: str
    register: str
    cashier: str
    total: int
    currency: str
    tenders: list[JournalTender]


class JournalOut(BaseModel):
    items: list[JournalSale]
    total: int
    limit: int
    offset: int
    next_offset: int | None


@router.get("/sales", response_model=JournalOut)
def sales_journal(
    ctx: CtxDep,
    _actor: ActorDep,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
    register: Annotated[str | None, Query(max_length=8)] = None,
    q: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=sales.MAX_PAGE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> JournalOut:
    """Sales newest first: by time (`from` inclusive, `to` exclusive, ISO 8601 with a zone),
    register, and `q` (a total such as 12,98, or part of a receipt number or card reference)."""
    page = sales.journal(ctx, from_, to, register, q, limit, offset)
    return JournalOut(
        items=[
            JournalSale(
                receipt_no=e.receipt_no,
                at=e.at,
                register=e.register,
                cashier=e.cashier,
                total=e.total,
                currency=e.currency,
                tenders=[
                    JournalTender(type=t.type, amount=t.amount, reference=t.reference)
                    for t in e.tenders
                ],
            )
            for e in page.entries
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


@router.get("/sales/{receipt_no}", response_model=SaleOut)
def get_sale(ctx: CtxDep, _actor: ActorDep, receipt_no: str) -> dict[str, Any]:
    return sale_out(sales.get_sale(ctx, receipt_no))
