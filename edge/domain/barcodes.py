"""Barcode decoding: EAN-13, EAN-8 and UPC-A with check digits, GS1 variable-measure codes
(prefix 2x, with a price or weight embedded, layout configurable per retailer) and GS1 element
strings (AI 01, 10, 17, 310n, 392n) as scanned from GS1-128 or GS1 DataMatrix labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from edge.domain.errors import InvalidBarcode

GS = "\x1d"  # FNC1 as transmitted by scanners between variable-length element strings

ScanKind = Literal["ean13", "ean8", "upca", "variable", "gs1"]


def gs1_check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits of `body` (weights 3,1,3,… from the right)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        total += int(ch) * (3 if i % 2 == 0 else 1)
    return (10 - total % 10) % 10


def has_valid_check_digit(code: str) -> bool:
    return code.isdigit() and len(code) >= 2 and gs1_check_digit(code[:-1]) == int(code[-1])


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
    batch: str | None = None
    expiry: date | None = None
    extra: dict[str, str] = field(default_factory=dict)


# AI → (fixed length or None for variable, max length)
_AIS: dict[str, tuple[int | None, int]] = {
    "00": (18, 18),
    "01": (14, 14),
    "02": (14, 14),
    "10": (None, 20),
    "11": (6, 6),
    "13": (6, 6),
    "15": (6, 6),
    "17": (6, 6),
    "21": (None, 20),
    "30": (None, 8),
    "37": (None, 8),
    **{f"310{n}": (6, 6) for n in range(6)},
    **{f"392{n}": (None, 15) for n in range(10)},
    **{f"393{n}": (None, 18) for n in range(10)},
}
_HUMAN = re.compile(r"\((\d{2,4})\)([^(]*)")
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


def _parse_element_string(text: str) -> dict[str, str]:
    if text.startswith("("):
        pairs = _HUMAN.findall(text)
        if not pairs or "".join(f"({a}){v}" for a, v in pairs) != text:
            raise InvalidBarcode(f"malformed GS1 string {text!r}")
        for ai, _value in pairs:
            if ai not in _AIS:
                raise InvalidBarcode(f"unsupported GS1 application identifier ({ai})")
        return dict(pairs)
    out: dict[str, str] = {}
    i = 0
    while i < len(text):
        if text[i] == GS:
            i += 1
            continue
        ai = next((text[i : i + n] for n in (2, 3, 4) if text[i : i + n] in _AIS), None)
        if ai is None:
            raise InvalidBarcode(f"unknown GS1 application identifier at {text[i : i + 4]!r}")
        fixed, maximum = _AIS[ai]
        start = i + len(ai)
        if fixed is not None:
            end = start + fixed
            if end > len(text):
                raise InvalidBarcode(f"GS1 ({ai}) is cut short")
        else:
            sep = text.find(GS, start)
            end = len(text) if sep == -1 else sep
            if end - start > maximum:
                raise InvalidBarcode(f"GS1 ({ai}) is longer than {maximum} characters")
        out[ai] = text[start:end]
        i = end
    return out


def _gs1_date(value: str, ai: str) -> date:
    if not value.isdigit():
        raise InvalidBarcode(f"GS1 ({ai}) date {value!r} is not YYMMDD")
    yy, mm, dd = int(value[:2]), int(value[2:4]), int(value[4:6])
    try:
        # GS1 allows DD=00 meaning the last day of the month; use day 28 as a safe floor.
        return date(2000 + yy, mm, dd or 28)
    except ValueError:
        raise InvalidBarcode(f"GS1 ({ai}) date {value!r} is not a valid date") from None


def _decode_gs1(raw: str, text: str) -> Scan:
    ais = _parse_element_string(text)
    gtin = ais.get("01") or ais.get("02")
    if gtin is None:
        raise InvalidBarcode("GS1 string has no GTIN (01)")
    if not has_valid_check_digit(gtin) or len(gtin) != 14:
        raise InvalidBarcode(f"GTIN (01){gtin} has a wrong check digit")
    weight_g = price = None
    expiry = _gs1_date(ais["17"], "17") if "17" in ais else None
    for ai, value in ais.items():
        if not value:
            raise InvalidBarcode(f"GS1 ({ai}) is empty")
        if ai.startswith("310"):
            if not value.isdigit():
                raise InvalidBarcode(f"GS1 ({ai}) weight {value!r} is not numeric")
            decimals = int(ai[3])
            weight_g = int(value) * 1000 // 10**decimals
        elif ai.startswith("392"):
            if not value.isdigit():
                raise InvalidBarcode(f"GS1 ({ai}) price {value!r} is not numeric")
            decimals = int(ai[3])
            price = (
                int(value) * 100 // 10**decimals
                if decimals <= 2
                else int(value) // 10 ** (decimals - 2)
            )
    extra = {k: v for k, v in ais.items() if k not in {"01", "02", "10", "17"}}
    return Scan(
        raw=raw,
        kind="gs1",
        gtin=normalize_gtin(gtin),
        weight_g=weight_g,
        price=price,
        batch=ais.get("10"),
        expiry=expiry,
        extra=extra,
    )


def decode(raw: str, rules: tuple[VariableMeasureRule, ...] = DEFAULT_VARIABLE_RULES) -> Scan:
    """Decodes what a scanner sent (or a cashier typed). Raises InvalidBarcode with a message a
    cashier can read; never anything else."""
    text = raw.strip().strip("\r\n\t")
    text = _SYMBOLOGY_ID.sub("", text)
    if not text:
        raise InvalidBarcode("empty scan")
    if text.startswith("(") or GS in text or (len(text) > 14 and text[:2] in _AIS):
        return _decode_gs1(raw, text)
    if not text.isdigit():
        raise InvalidBarcode(f"{text!r} is not a barcode (digits expected)")
    if len(text) not in (8, 12, 13, 14):
        raise InvalidBarcode(f"{text!r} has {len(text)} digits; EAN-13, EAN-8 or UPC-A expected")
    if not has_valid_check_digit(text):
        raise InvalidBarcode(f"{text} has a wrong check digit (misread?)")
    if len(text) == 13:
        for rule in rules:
            if rule.matches(text):
                value = rule.value_of(text)
                if rule.kind == "weight":
                    weight = value * 1000 // 10**rule.decimals
                    return Scan(
                        raw=raw, kind="variable", gtin=rule.template_for(text), weight_g=weight
                    )
                price = value * 100 // 10**rule.decimals
                return Scan(raw=raw, kind="variable", gtin=rule.template_for(text), price=price)
    kind: ScanKind = {8: "ean8", 12: "upca", 13: "ean13", 14: "gs1"}[len(text)]  # type: ignore[assignment]
    return Scan(raw=raw, kind=kind, gtin=normalize_gtin(text))
