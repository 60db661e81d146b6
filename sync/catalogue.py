"""Products and promotions on the wire: the catalogue file record shapes
(edge/catalogue_records.ProductRecord and PromotionRecord), so the hub's import, its messages and a
store's apply validate them with the same rules."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from edge.catalogue_records import ProductRecord, promotion_of
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import InvalidInput
from edge.file_fields import error_text


def product_record(p: Product) -> dict[str, Any]:
    return {
        "sku": p.sku,
        "name_pl": p.name("pl"),
        "name_en": p.names.get("en", ""),
        "desc_pl": p.descriptions.get("pl", ""),
        "desc_en": p.descriptions.get("en", ""),
        "category": p.category,
        "price_minor": p.price,
        "currency": p.currency,
        "vat": p.vat.letter,
        "unit": p.unit,
        "barcodes": list(p.barcodes),
        "image": p.image,
        "active": p.active,
    }


def products_from(records: list[dict[str, Any]]) -> list[Product]:
    """Validates every record; InvalidInput names the first bad one (nothing is applied)."""
    out = []
    for i, raw in enumerate(records):
        try:
            out.append(ProductRecord.model_validate(raw).to_product())
        except ValidationError as exc:
            raise InvalidInput(f"product {i}: {error_text(exc, 'record')}") from None
        except ValueError as exc:
            raise InvalidInput(f"product {i}: {exc}") from None
    return out


def promotion_record(p: Promotion) -> dict[str, Any]:
    # `members_only` only when set: other promotions' records stay byte for byte as before.
    return {
        **({"members_only": True} if p.members_only else {}),
        "type": "promotion",
        "id": p.id,
        "sku": p.sku,
        "kind": p.kind,
        "value": p.value,
        "buy": p.buy,
        "pay": p.pay,
        "starts": p.starts.isoformat() if p.starts else None,
        "ends": p.ends.isoformat() if p.ends else None,
        "label_pl": p.labels.get("pl", ""),
        "label_en": p.labels.get("en", ""),
    }


def promotions_from(records: list[dict[str, Any]]) -> list[Promotion]:
    """Validates every record (all must be live promotions); InvalidInput names the first bad."""
    out = []
    for i, raw in enumerate(records):
        promo = promotion_of(raw, f"promotion {i}") if isinstance(raw, dict) else None
        if promo is None:
            raise InvalidInput(f"promotion {i}: not a live promotion record")
        out.append(promo)
    return out
