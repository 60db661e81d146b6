"""Products on the wire: the catalogue file record shape (edge/catalogue_files.ProductRecord), so
the hub's import, its messages and a store's apply validate products with the same rules."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from edge.catalogue_files import ProductRecord
from edge.domain.catalogue import Product
from edge.domain.errors import InvalidInput


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
            first = exc.errors()[0]
            key = ".".join(str(p) for p in first["loc"]) or "record"
            raise InvalidInput(f"product {i}: {key}: {first['msg']}") from None
        except ValueError as exc:
            raise InvalidInput(f"product {i}: {exc}") from None
    return out
