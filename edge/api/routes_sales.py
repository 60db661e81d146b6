"""Completed sales."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from edge.api.deps import ActorDep, CtxDep
from edge.api.schemas import sale_out
from edge.services import sales

router = APIRouter(tags=["sales"])


@router.get("/sales/{receipt_no}")
def get_sale(ctx: CtxDep, _actor: ActorDep, receipt_no: str) -> dict[str, Any]:
    return sale_out(sales.get_sale(ctx, receipt_no))
