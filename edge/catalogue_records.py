"""Validating one row of a catalogue file (CSV or JSON Lines, from an ERP export) into a
product or a promotion: the record shapes, which the hub's catalogue messages use too
(sync/catalogue.py), and the prices read from decimal text.

A promotion row is a JSON object with `"type": "promotion"` (or a `promotion_id`), or a CSV row
whose `promotion_id` column is filled; `"active": false` ends (removes) the promotion."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, get_args

from pydantic import (
    Field,
    ValidationError,
    field_validator,
)

from edge.domain.barcodes import has_valid_check_digit, normalize_gtin
from edge.domain.catalogue import Product, Promotion, PromotionKind, Unit
from edge.domain.errors import InvalidInput
from edge.domain.vat import VatRate
from edge.file_fields import PlainRecord, error_text
from edge.file_fields import moment as _moment

_UNITS: dict[str, Unit] = {"szt": "pcs", "szt.": "pcs", "pcs": "pcs", "kg": "kg"}
_PROMOTION_KINDS: dict[str, PromotionKind] = {k: k for k in get_args(PromotionKind)}


class ProductRecord(PlainRecord):
    """One catalogue row. `price` is the gross price as a decimal ('12.99' or '12,99');
    `price_minor` the same in minor units; one of them is required."""

    sku: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    name_pl: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    desc_pl: str = Field("", max_length=4000)
    desc_en: str = Field("", max_length=4000)
    category: str = Field("", max_length=64)
    price: str | None = None
    price_minor: int | None = Field(None, ge=0)
    currency: str = Field("PLN", pattern=r"^[A-Z]{3}$")
    vat: str
    unit: Unit = "pcs"
    barcodes: list[str] = Field(default_factory=list)
    image: str = Field("", max_length=500)
    active: bool = True

    @field_validator("price", "vat", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # JSON exports carry 12.99 and 23 as numbers; both mean what the text would.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("barcodes", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v for v in value.replace("|", " ").replace(";", " ").split() if v]
        return value

    @field_validator("barcodes")
    @classmethod
    def _check(cls, codes: list[str]) -> list[str]:
        out = []
        for code in codes:
            if len(code) not in (8, 12, 13, 14) or not has_valid_check_digit(code):
                raise ValueError(f"barcode {code!r} is not a valid EAN/UPC/GTIN")
            out.append(normalize_gtin(code))
        return out

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: str) -> Unit:
        unit = _UNITS.get(value.lower())
        if unit is None:
            raise ValueError("unit must be pcs or kg")
        return unit

    def to_product(self) -> Product:
        try:
            vat = VatRate.parse(self.vat)
        except ValueError as exc:
            raise ValueError(str(exc)) from None
        if self.price_minor is not None:
            minor = self.price_minor
        elif self.price is not None:
            minor = _minor(self.price)
        else:
            raise ValueError("price (or price_minor) is required")
        names = {"pl": self.name_pl, **({"en": self.name_en} if self.name_en else {})}
        descriptions = {k: v for k, v in (("pl", self.desc_pl), ("en", self.desc_en)) if v}
        return Product(
            sku=self.sku,
            names=names,
            price=minor,
            vat=vat,
            currency=self.currency,
            unit=self.unit,
            category=self.category,
            barcodes=tuple(self.barcodes),
            descriptions=descriptions,
            image=self.image,
            active=self.active,
        )


class PromotionRecord(PlainRecord):
    """One promotion row. percent: `value` % off (1–99); price: the unit price becomes `value`
    (minor units, or `price` as a decimal); multibuy: `buy` pieces cost as `pay` pieces.
    `active: false` ends the promotion: only `id` is needed then."""

    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    sku: str | None = Field(None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    kind: str | None = None
    value: int = Field(0, ge=0)
    price: str | None = None
    buy: int = Field(0, ge=0)
    pay: int = Field(0, ge=0)
    starts: datetime | None = None
    ends: datetime | None = None
    label_pl: str = Field("", max_length=100)
    label_en: str = Field("", max_length=100)
    members_only: bool = False  # a member price (a basket with a loyalty card)
    active: bool = True

    @field_validator("starts", "ends", mode="before")
    @classmethod
    def _when(cls, value: Any) -> Any:
        return _moment(value)

    @field_validator("price", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    def to_promotion(self) -> Promotion | None:
        """The promotion, or None for a row that ends one."""
        if not self.active:
            return None
        if self.sku is None:
            raise ValueError("sku is required")
        value = self.value
        if self.kind == "percent":
            if not 1 <= value <= 99:
                raise ValueError("a percent promotion needs a value from 1 to 99")
        elif self.kind == "price":
            value = _minor(self.price) if self.price is not None else value
            if self.price is None and "value" not in self.model_fields_set:
                raise ValueError("a price promotion needs its value (or price)")
        elif self.kind == "multibuy":
            if not (self.buy >= 2 and 1 <= self.pay < self.buy):
                raise ValueError("a multibuy promotion needs buy ≥ 2 and 1 ≤ pay < buy")
        else:
            raise ValueError("kind must be percent, price or multibuy")
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValueError("ends must be after starts")
        labels = {k: v for k, v in (("pl", self.label_pl), ("en", self.label_en)) if v}
        return Promotion(
            id=self.id,
            sku=self.sku,
            kind=_PROMOTION_KINDS[self.kind or ""],
            value=value,
            buy=self.buy if self.kind == "multibuy" else 0,
            pay=self.pay if self.kind == "multibuy" else 0,
            starts=self.starts,
            ends=self.ends,
            labels=labels,
            members_only=self.members_only,
        )


def _minor(price: str) -> int:
    try:
        amount = Decimal(price.replace(",", ".").replace(" ", "")) * 100
    except InvalidOperation:
        raise ValueError(f"price {price!r} is not a number") from None
    if amount != amount.to_integral_value() or amount < 0:
        raise ValueError(f"price {price!r} must be ≥ 0 with at most 2 decimals")
    return int(amount)


def is_promotion(raw: dict[str, Any]) -> bool:
    return raw.get("type") == "promotion" or bool(raw.get("promotion_id"))


def promotion_of(raw: dict[str, Any], where: str) -> Promotion | None:
    """Validates one promotion row; InvalidInput names `where` and the field."""
    if raw.get("promotion_id") and "id" not in raw:
        raw = {**raw, "id": raw["promotion_id"]}
    try:
        return PromotionRecord.model_validate(raw).to_promotion()
    except ValidationError as exc:
        raise InvalidInput(f"{where}: promotion {error_text(exc)}") from None
    except ValueError as exc:
        raise InvalidInput(f"{where}: promotion: {exc}") from None


def product_of(raw: dict[str, Any], where: str) -> Product:
    """Validates one product row; InvalidInput names `where` and the field."""
    if isinstance(raw.get("names"), dict):
        raw = {**raw, "name_pl": raw["names"].get("pl", ""), "name_en": raw["names"].get("en", "")}
    if isinstance(raw.get("descriptions"), dict):
        raw = {
            **raw,
            "desc_pl": raw["descriptions"].get("pl", ""),
            "desc_en": raw["descriptions"].get("en", ""),
        }
    try:
        return ProductRecord.model_validate(raw).to_product()
    except ValidationError as exc:
        raise InvalidInput(f"{where}: {error_text(exc)}") from None
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from None
