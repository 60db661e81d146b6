"""What a scanned code means to the store: GTIN check digits, the key a product is stored
under, the in-store variable-measure layouts (prefix 2x with a weight or a price embedded,
configurable per retailer) and what a scan carries into a basket line.

Reading GS1 element strings and Digital Link URIs (every Application Identifier of the GS1
General Specifications) is the adapter edge/barcodes.py's job, with the biip library; only the
rules that are this store's own live here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from edge.domain.errors import InvalidBarcode

ScanKind = Literal["ean13", "ean8", "upca", "variable", "gs1"]


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits of `body` (weights 3,1,3,… from the right)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def all_digits(text: str) -> bool:
    """ASCII 0-9 only (str.isdigit() also takes '²' and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def has_valid_check_digit(code: str) -> bool:
    return all_digits(code) and len(code) >= 2 and gs1_check_digit(code[:-1]) == int(code[-1])


def with_check_digit(body: str) -> str:
    return body + str(gs1_check_digit(body))


def normalize_gtin(code: str) -> str:
    """The key a product is stored under: EAN-8 as 8 digits, everything else as 13 (a UPC-A gets
    its leading zero; a GTIN-14 with indicator 0 loses it)."""
    if len(code) == 12:
        return "0" + code
    if len(code) == 14 and code.startswith("0"):
        return code[1:]
    return code


@dataclass(frozen=True, slots=True)
class VariableMeasureRule:
    """One in-store GS1 prefix layout, e.g. `28 IIIII VVVVV C` with VVVVV a weight in grams.

    Positions are 0-based over the 13 digits. The product is found under the code with the value
    digits zeroed and the check digit recomputed (that is how it is stored in the catalogue).
    """

    prefix: str
    item_start: int = 2
    item_length: int = 5
    value_start: int = 7
    value_length: int = 5
    kind: Literal["weight", "price"] = "weight"
    decimals: int = 3  # weight: kg with 3 decimals = grams; price: 2 decimals = minor units

    def matches(self, code: str) -> bool:
        return len(code) == 13 and code.startswith(self.prefix)

    def template_for(self, code: str) -> str:
        end = self.value_start + self.value_length
        zeroed = code[: self.value_start] + "0" * self.value_length + code[end:12]
        return with_check_digit(zeroed)

    def value_of(self, code: str) -> int:
        return int(code[self.value_start : self.value_start + self.value_length])


DEFAULT_VARIABLE_RULES: tuple[VariableMeasureRule, ...] = (
    # A common Polish in-store layout: 27/28 weight in grams, 29 price in grosze.
    VariableMeasureRule(prefix="27", kind="weight"),
    VariableMeasureRule(prefix="28", kind="weight"),
    VariableMeasureRule(prefix="29", kind="price", decimals=2),
)


@dataclass(frozen=True, slots=True)
class Scan:
    """What a scanned or typed code says: the product key and whatever the label embeds."""

    raw: str
    kind: ScanKind
    gtin: str  # the catalogue lookup key
    weight_g: int | None = None
    price: int | None = None  # minor units
    batch: str | None = None  # GS1 (10)
    expiry: date | None = None  # GS1 (17) use by / expiration date
    best_before: date | None = None  # GS1 (15) best before (fresh food labels)
    sell_by: date | None = None  # GS1 (16)
    extra: dict[str, str] = field(default_factory=dict)  # every other AI, as printed


def retail_scan(
    raw: str, digits: str, rules: tuple[VariableMeasureRule, ...] = DEFAULT_VARIABLE_RULES
) -> Scan:
    """A one-dimensional retail code (EAN-13, EAN-8, UPC-A, GTIN-14), its check digit checked and
    the store's own variable-measure layouts applied. `digits` is what the scanner sent without
    its symbology identifier; raises InvalidBarcode with a message a cashier can read."""
    if not all_digits(digits):
        raise InvalidBarcode(f"{digits!r} is not a barcode (digits expected)")
    if len(digits) not in (8, 12, 13, 14):
        raise InvalidBarcode(
            f"{digits!r} has {len(digits)} digits; EAN-13, EAN-8 or UPC-A expected"
        )
    if not has_valid_check_digit(digits):
        raise InvalidBarcode(f"{digits} has a wrong check digit (misread?)")
    if len(digits) == 13:
        for rule in rules:
            if rule.matches(digits):
                value = rule.value_of(digits)
                if rule.kind == "weight":
                    weight = value * 1000 // 10**rule.decimals
                    return Scan(
                        raw=raw, kind="variable", gtin=rule.template_for(digits), weight_g=weight
                    )
                price = value * 100 // 10**rule.decimals
                return Scan(raw=raw, kind="variable", gtin=rule.template_for(digits), price=price)
    kinds: dict[int, ScanKind] = {8: "ean8", 12: "upca", 13: "ean13", 14: "gs1"}
    return Scan(raw=raw, kind=kinds[len(digits)], gtin=normalize_gtin(digits))
