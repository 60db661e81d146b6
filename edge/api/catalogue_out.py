"""Response models of the catalogue and availability (the shapes of edge/api/schemas.py's
product_out, availability_out and lookup_out)."""

from __future__ import annotations

from pydantic import Field

from edge.api.out_base import Out

Minor = int  # an amount in minor units (grosze)


class PromotionOut(Out):
    id: str
    kind: str
    label: str
    value: int
    buy: int
    pay: int
    ends: str | None = Field(description="ISO 8601, or none: open-ended")


class OfferOut(Out):
    unit_price: Minor = Field(description="what the shopper pays per unit today")
    promotion_id: str | None


class ProductOut(Out):
    sku: str
    name: str
    names: dict[str, str]
    descriptions: dict[str, str]
    category: str
    price: Minor
    currency: str
    unit: str
    vat: str = Field(description="the VAT letter (A, B, C, D, E)")
    vat_percent: int
    barcodes: list[str]
    image: str
    active: bool
    promotions: list[PromotionOut]
    offer: OfferOut


class ProductPage(Out):
    items: list[ProductOut]
    limit: int
    offset: int


class CategoryOut(Out):
    id: str
    name_pl: str
    name_en: str
    count: int


class Categories(Out):
    items: list[CategoryOut]


class LevelOut(Out):
    on_hand: int
    reserved: int
    available: int
    negative: bool


class NearbyOut(LevelOut):
    store_id: str
    name: str
    distance_km: float | None
    as_of: str


class AvailabilityOut(Out):
    sku: str
    here: LevelOut
    nearby: list[NearbyOut]


class ScanOut(Out):
    kind: str
    gtin: str
    weight_g: int | None
    price: Minor | None
    batch: str | None
    expiry: str | None
    best_before: str | None


class LookupOut(Out):
    code: str
    scan: ScanOut | None
    product: ProductOut
    availability: AvailabilityOut
