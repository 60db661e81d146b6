"""Response models of baskets, sales and sessions (the shapes of edge/api/schemas.py's
basket_out and sale_out, and of the session routes)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from edge.api.out_base import Out, Registered

Minor = int  # an amount in minor units (grosze)


class VatOut(Out):
    rate: str
    percent: int
    gross: Minor
    net: Minor
    vat: Minor


class ApprovalOut(Out):
    by: str = Field(description="a supervisor's username, or order:<id> for an order's terms")
    action: str
    amount: Minor


class BasketLineOut(Out):
    line_id: int
    sku: str
    name: str
    unit: str
    qty: int = Field(description="pieces, or grams for weighed goods")
    unit_price: Minor
    price_override: Minor | None
    gross: Minor
    discount: Minor
    total: Minor
    vat: str
    promotion: str | None
    code: str
    approval: ApprovalOut | None


class BasketOut(Registered):
    id: str
    status: str
    currency: str
    discount_percent: int
    discount_amount: Minor
    approval: ApprovalOut | None
    lines: list[BasketLineOut]
    subtotal: Minor
    discount: Minor
    total: Minor
    vat: list[VatOut]


class BasketWithLine(BasketOut):
    line_id: int = Field(description="the line the scan added or added to")


class SaleLineOut(Out):
    line_no: int
    sku: str
    name: str
    unit: str
    qty: int
    unit_price: Minor
    gross: Minor
    discount: Minor
    total: Minor
    vat: str


class TenderOut(Out):
    type: str
    amount: Minor
    reference: str | None


class SaleOut(Registered):
    receipt_no: str
    store_id: str
    cashier: str
    at: str
    currency: str
    lines: list[SaleLineOut]
    subtotal: Minor
    discount: Minor
    total: Minor
    tenders: list[TenderOut]
    change: Minor
    vat: list[VatOut]


class CheckoutOut(SaleOut):
    """The sale, with what the node's parts add to its answer."""

    fiscal: dict[str, Any] | None = Field(None, description="the fiscal device's registration")
    customer: dict[str, Any] | None = Field(None, description="the member's points, if any")


class WhoAmI(Registered):
    username: str
    role: str
    display_name: str


class SessionOut(WhoAmI):
    token: str
    token_type: str
    expires_at: str
