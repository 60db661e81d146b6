"""Products and promotions as the store sells them: one offer in every channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from edge.domain.vat import VatRate

Unit = Literal["pcs", "kg"]
LANGUAGES = ("pl", "en")


@dataclass(frozen=True, slots=True)
class Product:
    """A sellable item. `price` is gross, in minor units, per piece or per kg (see `unit`).

    Quantities of a `kg` product are kept in grams everywhere so that they stay integers."""

    sku: str
    names: dict[str, str]
    price: int
    vat: VatRate
    currency: str = "PLN"
    unit: Unit = "pcs"
    category: str = ""
    barcodes: tuple[str, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)
    image: str = ""
    active: bool = True

    def name(self, lang: str = "pl") -> str:
        return self.names.get(lang) or self.names.get("pl") or next(iter(self.names.values()), "")

    @property
    def weighed(self) -> bool:
        return self.unit == "kg"


PromotionKind = Literal["percent", "price", "multibuy"]


@dataclass(frozen=True, slots=True)
class Promotion:
    """An automatic promotion on one SKU.

    percent: `value` percent off; price: the unit price becomes `value`; multibuy: every `buy`
    pieces cost as `pay` pieces (3 for 2)."""

    id: str
    sku: str
    kind: PromotionKind
    value: int = 0
    buy: int = 0
    pay: int = 0
    starts: datetime | None = None
    ends: datetime | None = None
    labels: dict[str, str] = field(default_factory=dict)
    members_only: bool = False  # a member price: only for a basket that carries a customer

    def active_at(self, moment: datetime) -> bool:
        return (self.starts is None or self.starts <= moment) and (
            self.ends is None or moment < self.ends
        )

    def label(self, lang: str = "pl") -> str:
        if lang in self.labels:
            return self.labels[lang]
        if self.kind == "percent":
            return f"-{self.value}%"
        if self.kind == "multibuy":
            return f"{self.buy} = {self.pay}"
        return "promo"


def price_per_kg_label(product: Product) -> str:
    """Unit price as a shelf label shows it (price per kg or per piece)."""
    return "kg" if product.weighed else "szt."
