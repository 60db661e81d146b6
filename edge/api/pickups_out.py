"""Response models of click & collect at the counter (the shape of routes_pickups.order_out)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from edge.api.basket_out import SaleOut
from edge.api.out_base import Out

Minor = int  # an amount in minor units (grosze)


class PickupLine(Out):
    sku: str
    qty: int
    unit_price: Minor
    reserved: int
    collected: int
    short: int = Field(description="what the store could not reserve")


class PickupOut(Out):
    order_id: str
    request_id: str | None
    status: str
    shelf: str | None
    customer: dict[str, Any]
    prepaid: bool
    currency: str
    total: Minor
    amount_due: Minor
    lines: list[PickupLine]
    locked: bool
    code_attempts: int
    receipt_no: str | None
    created_at: str
    expires_at: str


class Pickups(Out):
    items: list[PickupOut]


class Collected(PickupOut):
    sale: SaleOut | None = Field(description="the sale an unpaid order was paid with")
    qr: str | None = Field(description="a paid order's proof of purchase")
