"""A completed sale: what the receipt shows, what the ledger records, what the hub is told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from edge.domain.basket import PricedBasket
from edge.domain.catalogue import Unit
from edge.domain.stock import Movement, MovementKind
from edge.domain.tenders import Settlement, Tender
from edge.domain.vat import VatLine, VatRate


@dataclass(frozen=True, slots=True)
class SaleLine:
    line_no: int
    sku: str
    name: str
    unit: Unit
    vat: VatRate
    qty: int
    unit_price: int
    gross: int
    discount: int
    total: int
    promotion: str | None = None


@dataclass(frozen=True, slots=True)
class Sale:
    receipt_no: str
    store_id: str
    register: str
    cashier: str
    at: datetime
    currency: str
    lines: tuple[SaleLine, ...]
    tenders: tuple[Tender, ...]
    change: int
    vat: tuple[VatLine, ...]
    basket_id: str = ""

    @property
    def subtotal(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    def movements(self) -> list[Movement]:
        return [Movement(line.sku, MovementKind.SALE, line.qty) for line in self.lines]


def complete(
    priced: PricedBasket,
    settlement: Settlement,
    *,
    receipt_no: str,
    store_id: str,
    register: str,
    cashier: str,
    at: datetime,
    basket_id: str,
) -> Sale:
    lines = tuple(
        SaleLine(
            line_no=i,
            sku=p.line.sku,
            name=p.line.name,
            unit=p.line.unit,
            vat=p.line.vat,
            qty=p.line.qty,
            unit_price=p.line.price_override
            if p.line.price_override is not None
            else p.line.unit_price,
            gross=p.gross,
            discount=p.discount,
            total=p.total,
            promotion=p.promotion.id if p.promotion else None,
        )
        for i, p in enumerate(priced.lines, start=1)
    )
    return Sale(
        receipt_no=receipt_no,
        store_id=store_id,
        register=register,
        cashier=cashier,
        at=at,
        currency=priced.currency,
        lines=lines,
        tenders=settlement.tenders,
        change=settlement.change,
        vat=priced.vat,
        basket_id=basket_id,
    )
