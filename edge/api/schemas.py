"""Request bodies (validated, with limits) and the JSON shapes of responses."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from edge.domain import text
from edge.domain.approvals import Approval
from edge.domain.basket import PricedBasket
from edge.domain.catalogue import Product, Promotion
from edge.domain.pricing import Offer
from edge.domain.sale import Sale
from edge.domain.stock import Level
from edge.domain.vat import VatLine
from edge.services.availability import Availability
from edge.services.baskets import BasketView
from edge.services.catalogue import Lookup, ProductView

Minor = int  # an amount in minor units (grosze)


class PlainText(BaseModel):
    """A request body whose text fields must be plain, printable text (the hub's too): no field
    of a request is multi-line, and control bytes end up in the database, in logs and on
    printed slips, where ESC/POS reads them as commands (edge/domain/text.py)."""

    @field_validator("*", mode="after", check_fields=False)
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and text.has_control(value):
            raise ValueError(text.REFUSED)
        return value


class _In(PlainText):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Credentials(_In):
    username: str = Field(min_length=1, max_length=64)
    pin: str = Field(min_length=1, max_length=32)


class LoginIn(Credentials):
    # "register" would shadow BaseModel.register; the JSON key stays "register".
    register_id: str | None = Field(None, alias="register", min_length=1, max_length=8)


class LineIn(_In):
    code: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="a barcode (EAN-13/8, UPC-A), a GS1 element string, or a SKU",
    )
    sku: str | None = Field(None, min_length=1, max_length=64)
    qty: int = Field(1, ge=1, le=999_999, description="pieces (ignored for weighed labels)")

    @model_validator(mode="after")
    def _one(self) -> LineIn:
        if (self.code is None) == (self.sku is None):
            raise ValueError("give either 'code' or 'sku'")
        return self


class QtyIn(_In):
    qty: int = Field(ge=1, le=999_999)
    approver: Credentials | None = None


class DiscountIn(_In):
    percent: int = Field(0, ge=0, le=100)
    amount: Minor = Field(0, ge=0, le=100_000_000)
    approver: Credentials | None = None


class PriceIn(_In):
    unit_price: Minor = Field(ge=0, le=100_000_000)
    approver: Credentials | None = None


class TenderIn(_In):
    type: Literal["cash", "card"]
    amount: Minor = Field(gt=0, le=100_000_000)
    reference: str | None = Field(None, max_length=64)


class CheckoutIn(_In):
    tenders: list[TenderIn] = Field(default_factory=list, max_length=10)


def promotion_out(p: Promotion, lang: str = "pl") -> dict[str, Any]:
    return {
        "id": p.id,
        "kind": p.kind,
        "label": p.label(lang),
        "value": p.value,
        "buy": p.buy,
        "pay": p.pay,
        "ends": p.ends.isoformat() if p.ends else None,
    }


def offer_out(offer: Offer) -> dict[str, Any]:
    return {"unit_price": offer.unit_price, "promotion_id": offer.promotion_id}


def product_out(
    product: Product, promotions: tuple[Promotion, ...] = (), offer: Offer | None = None
) -> dict[str, Any]:
    return {
        "sku": product.sku,
        "name": product.name("pl"),
        "names": product.names,
        "descriptions": product.descriptions,
        "category": product.category,
        "price": product.price,
        "currency": product.currency,
        "unit": product.unit,
        "vat": product.vat.letter,
        "vat_percent": product.vat.percent,
        "barcodes": list(product.barcodes),
        "image": product.image,
        "active": product.active,
        "promotions": [promotion_out(p) for p in promotions],
        "offer": offer_out(offer or Offer(product.price, None)),
    }


def view_out(view: ProductView) -> dict[str, Any]:
    return product_out(view.product, view.promotions, view.offer)


def level_out(level: Level) -> dict[str, Any]:
    return {
        "on_hand": level.on_hand,
        "reserved": level.reserved,
        "available": level.available,
        "negative": level.negative,
    }


def availability_out(av: Availability) -> dict[str, Any]:
    return {
        "sku": av.sku,
        "here": level_out(av.here),
        "nearby": [
            {
                "store_id": n.store_id,
                "name": n.name,
                "distance_km": n.distance_km,
                **level_out(n.level),
                "as_of": n.as_of.isoformat(),
            }
            for n in av.nearby
        ],
    }


def lookup_out(found: Lookup) -> dict[str, Any]:
    scan = found.scan
    return {
        "code": scan.raw if scan else found.product.sku,
        "scan": None
        if scan is None
        else {
            "kind": scan.kind,
            "gtin": scan.gtin,
            "weight_g": scan.weight_g,
            "price": scan.price,
            "batch": scan.batch,
            "expiry": scan.expiry.isoformat() if scan.expiry else None,
            "best_before": scan.best_before.isoformat() if scan.best_before else None,
        },
        "product": product_out(found.product, found.promotions, found.offer),
        "availability": availability_out(found.availability),
    }


def vat_out(lines: tuple[VatLine, ...]) -> list[dict[str, Any]]:
    return [
        {
            "rate": v.rate.letter,
            "percent": v.rate.percent,
            "gross": v.gross.amount,
            "net": v.net.amount,
            "vat": v.vat.amount,
        }
        for v in lines
    ]


def priced_out(priced: PricedBasket) -> dict[str, Any]:
    return {
        "lines": [
            {
                "line_id": p.line.line_id,
                "sku": p.line.sku,
                "name": p.line.name,
                "unit": p.line.unit,
                "qty": p.line.qty,
                "unit_price": p.line.unit_price,
                "price_override": p.line.price_override,
                "gross": p.gross,
                "discount": p.discount,
                "total": p.total,
                "vat": p.line.vat.letter,
                "promotion": p.promotion.label() if p.promotion else None,
                "code": p.line.code,
                "approval": approval_out(p.line.approval),
            }
            for p in priced.lines
        ],
        "subtotal": priced.subtotal,
        "discount": priced.discount,
        "total": priced.total,
        "vat": vat_out(priced.vat),
    }


def approval_out(approval: Approval | None) -> dict[str, Any] | None:
    """Who approved money off, what (the action) and how much."""
    if approval is None:
        return None
    return {"by": approval.by, "action": approval.action, "amount": approval.amount}


def basket_out(view: BasketView) -> dict[str, Any]:
    b = view.basket
    return {
        "id": b.id,
        "register": b.register,
        "status": b.status,
        "currency": b.currency,
        "discount_percent": b.discount_percent,
        "discount_amount": b.discount_amount,
        "approval": approval_out(b.approval),
        **priced_out(view.priced),
    }


def sale_out(sale: Sale) -> dict[str, Any]:
    return {
        "receipt_no": sale.receipt_no,
        "store_id": sale.store_id,
        "register": sale.register,
        "cashier": sale.cashier,
        "at": sale.at.isoformat(),
        "currency": sale.currency,
        "lines": [
            {
                "line_no": ln.line_no,
                "sku": ln.sku,
                "name": ln.name,
                "unit": ln.unit,
                "qty": ln.qty,
                "unit_price": ln.unit_price,
                "gross": ln.gross,
                "discount": ln.discount,
                "total": ln.total,
                "vat": ln.vat.letter,
            }
            for ln in sale.lines
        ],
        "subtotal": sale.subtotal,
        "discount": sale.discount,
        "total": sale.total,
        "tenders": [
            {"type": t.type, "amount": t.amount, "reference": t.reference} for t in sale.tenders
        ],
        "change": sale.change,
        "vat": vat_out(sale.vat),
    }
