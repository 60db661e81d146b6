"""Response models of the till's other answers: cash movements, a shift's close, returns."""

from __future__ import annotations

from pydantic import Field

from edge.api.basket_out import TenderOut
from edge.api.out_base import Out, Registered

Minor = int  # an amount in minor units (grosze)


class CashMoved(Registered):
    id: int
    kind: str = Field(description="in or out")
    amount: Minor
    currency: str
    reason: str
    by: str
    approved_by: str | None
    at: str


class VatTotal(Out):
    rate: str
    gross: Minor
    vat: Minor


class ShiftSummary(Registered):
    """A register's figures over a period (a shift, an X or Z report)."""

    kind: str
    currency: str
    from_: str = Field(alias="from")
    to: str
    sales: int
    total: Minor
    discount: Minor
    vat: list[VatTotal]
    tenders: dict[str, Minor]
    returns: int
    refunded: Minor
    refund_tenders: dict[str, Minor]
    cash_in: Minor
    cash_out: Minor
    float: Minor
    cash: Minor = Field(description="what the drawer should hold")


class ShiftClosed(ShiftSummary):
    shift_id: int
    by: str
    counted: Minor
    expected: Minor
    difference: Minor = Field(description="counted minus expected")


class PurchaseLine(Out):
    sku: str
    qty: int
    total: Minor
    returned: int
    returnable: int


class PurchaseOut(Out):
    kind: str
    ref: str | None
    store_id: str | None
    offline: bool
    currency: str
    lines: list[PurchaseLine]
    tenders: list[TenderOut]
    reasons: list[str]


class ReturnLineOut(Out):
    sku: str
    qty: int
    unit_price: Minor
    refund: Minor
    reason: str
    disposition: str


class ReturnOut(Registered):
    return_id: str
    original_kind: str
    original_ref: str | None
    original_store: str | None
    offline: bool
    currency: str
    refund_total: Minor
    tenders: list[TenderOut]
    exchange_receipt_no: str | None
    cashier: str
    approved_by: str | None
    at: str
    lines: list[ReturnLineOut]
