"""Decoding what a scanner sends (or a cashier types) into the domain's Scan.

One-dimensional retail codes go to the store's own rules (edge.domain.barcodes: check digits,
the in-store variable-measure prefixes). Everything GS1 carries beyond a bare GTIN, the element
strings of GS1-128, DataBar and DataMatrix labels and the GS1 Digital Link URIs of QR codes, is
read by biip (Apache-2.0, no dependencies), which knows every Application Identifier of the GS1
General Specifications with its length and format, FNC1 separators, symbology identifiers, and
dates whose day is 00 (the last day of the month)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from edge.domain.barcodes import (
    DEFAULT_VARIABLE_RULES,
    Scan,
    VariableMeasureRule,
    all_digits,
    normalize_gtin,
    retail_scan,
)
from edge.domain.errors import InvalidBarcode

if TYPE_CHECKING:
    from biip.gs1_element_strings import GS1ElementString
    from biip.gs1_messages import GS1Message

# biip is imported on the first GS1 label, not with the node: loading its tables costs ~0.16 s
# of CPU, which a cold start (bench/) and the plain EAN scans that are most of a shop's day
# need not pay.

GS = "\x1d"  # FNC1 as scanners transmit it between variable-length element strings
# AIM symbology identifiers (ISO/IEC 15424) of symbols that carry GS1 element strings: GS1-128,
# GS1 DataBar and composites, GS1 DataMatrix, GS1 QR Code, GS1 DotCode. A Digital Link URI
# comes in a plain DataMatrix or QR symbol and is recognised by its https:// instead.
_GS1_SYMBOLOGY_IDS = ("]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1")
_READ = {"01", "02", "10", "15", "16", "17"}  # what a Scan holds in fields of its own
_FIELD = re.compile(r"GS1 AI \((\d{2,4})\)")
_SYMBOLOGY_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")


def decode(raw: str, rules: tuple[VariableMeasureRule, ...] = DEFAULT_VARIABLE_RULES) -> Scan:
    """Raises InvalidBarcode with a message a cashier can read; never anything else."""
    text = raw.strip()  # also a leading or trailing FNC1: str.strip() counts \x1d as space
    if not text:
        raise InvalidBarcode("empty scan")
    symbology = ""
    if text.startswith("]"):
        if not _SYMBOLOGY_ID.match(text):
            raise InvalidBarcode(f"{text!r} starts with a broken symbology identifier")
        symbology, text = text[:3], text[3:]
    if symbology in _GS1_SYMBOLOGY_IDS or _looks_gs1(text):
        return _gs1_scan(raw, text)
    return retail_scan(raw, text, rules)


def _looks_gs1(text: str) -> bool:
    """Without a symbology identifier: a printed element string "(01)…", a Digital Link URI,
    FNC1 separators, or more digits than any GTIN has."""
    return (
        text.startswith(("(", "http://", "https://"))
        or GS in text
        or (len(text) > 14 and all_digits(text[:16]))
    )


def _message(text: str) -> GS1Message:
    from biip import ParseConfig, ParseError
    from biip.gs1_digital_link_uris import GS1DigitalLinkURI
    from biip.gs1_messages import GS1Message

    # Scanners also send FNC1 as the first character of a GS1-128 symbol when they send no
    # symbology identifier (decode strips it); between fields it comes as GS.
    config = ParseConfig(separator_chars=(GS,))
    try:
        if text.startswith("("):
            return GS1Message.parse_hri(text, config=config)
        if text.startswith(("http://", "https://")):
            return GS1DigitalLinkURI.parse(text, config=config).as_gs1_message()
        return GS1Message.parse(text, config=config)
    except ParseError as exc:
        raise InvalidBarcode(_readable(exc)) from None
    except (ValueError, LookupError):  # what the parser lets slip on garbage: still a bad scan
        raise InvalidBarcode(f"unreadable GS1 label {text[:40]!r}") from None


def _readable(exc: Exception) -> str:
    """biip's message names a regular expression; the cashier gets the field's name instead."""
    from biip import ParseError
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier

    found = _FIELD.search(str(exc))
    if found:
        ai = found.group(1)
        try:
            title = GS1ApplicationIdentifier.extract(ai).description
        except ParseError:
            title = "value"
        return f"GS1 ({ai}) {title}: not valid on this label"
    return f"unreadable GS1 label: {exc}"


def _gs1_scan(raw: str, text: str) -> Scan:
    fields: dict[str, GS1ElementString] = {}
    for element in _message(text).element_strings:
        fields.setdefault(element.ai.ai, element)
    key = fields.get("01") or fields.get("02")
    if key is None:
        raise InvalidBarcode("GS1 label without a GTIN (01)")
    if key.gtin is None:
        raise InvalidBarcode(f"GTIN ({key.ai.ai}){key.value} has a wrong check digit")
    return Scan(
        raw=raw,
        kind="gs1",
        gtin=normalize_gtin(key.value),
        weight_g=_first(fields, "310", 1000),
        price=_first(fields, "392", 100),
        batch=fields["10"].value if "10" in fields else None,
        expiry=_date(fields, "17"),
        best_before=_date(fields, "15"),
        sell_by=_date(fields, "16"),
        extra={ai: f.value for ai, f in fields.items() if ai not in _READ},
    )


def _date(fields: dict[str, GS1ElementString], ai: str) -> date | None:
    return fields[ai].date if ai in fields else None


def _first(fields: dict[str, GS1ElementString], family: str, scale: int) -> int | None:
    """Net weight in kg (310n) as grams, or amount payable (392n) in minor units: the first
    field of the family, whatever its number of decimals n."""
    for ai, element in fields.items():
        if ai.startswith(family) and element.decimal is not None:
            return int(Decimal(element.decimal) * scale)
    return None
