"""Reading catalogue files (CSV or JSON Lines) from an ERP export into products and promotions.

A row is validated whole (edge/catalogue_records.py); one bad row rejects the file with its line
number, so an import is all or nothing. Shared by the edge node (`store-edge catalog import`) and
the hub. Loyalty earning rule rows (`"type": "loyalty_rule"` or a `rule_id`) are read by
edge/loyalty_files.py; the rows themselves by edge/file_rows.py."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from edge.catalogue_records import is_promotion, product_of, promotion_of
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import InvalidInput
from edge.file_rows import Rows, detect_format, with_rows
from edge.loyalty_files import RuleRow, is_loyalty_rule, rule_row

# The hub (sync/hub) imports Rows, detect_format and with_rows from here too.
__all__ = ["Contents", "PromotionRow", "Rows", "detect_format", "parse", "read", "with_rows"]


@dataclass(frozen=True, slots=True)
class PromotionRow:
    """A promotion as read from a file: `promotion` is None when the row ends `id`."""

    line: int
    id: str
    promotion: Promotion | None


@dataclass(slots=True)
class Contents:
    products: list[Product] = field(default_factory=list)
    promotions: list[PromotionRow] = field(default_factory=list)
    loyalty_rules: list[RuleRow] = field(default_factory=list)


def parse(data: bytes, fmt: str) -> Iterator[Product]:
    """Yields products; raises InvalidInput naming the line of the first bad row."""
    yield from read(data, fmt).products


def read(data: bytes | IO[bytes], fmt: str) -> Contents:
    """Products, promotion and loyalty rule rows of a file, all validated; InvalidInput names
    the line of the first bad row (nothing is returned then)."""
    return with_rows(data, fmt, _contents)


def _contents(rows: Rows) -> Contents:
    out = Contents()
    seen: set[str] = set()
    seen_promos: set[str] = set()
    seen_rules: set[str] = set()
    for line_no, raw in rows:
        where = f"line {line_no}"
        if is_loyalty_rule(raw):
            rule = rule_row(raw, line_no)
            if rule.id in seen_rules:
                raise InvalidInput(f"{where}: loyalty rule {rule.id} appears twice")
            seen_rules.add(rule.id)
            out.loyalty_rules.append(rule)
            continue
        if is_promotion(raw):
            promo = promotion_of(raw, where)
            pid = promo.id if promo else str(raw.get("id") or raw.get("promotion_id"))
            if pid in seen_promos:
                raise InvalidInput(f"{where}: promotion {pid} appears twice")
            seen_promos.add(pid)
            out.promotions.append(PromotionRow(line_no, pid, promo))
            continue
        product = product_of(raw, where)
        if product.sku in seen:
            raise InvalidInput(f"{where}: sku {product.sku} appears twice")
        seen.add(product.sku)
        out.products.append(product)
    return out
