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

from biip import ParseConfig, ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message
from biip.symbology import GS1Symbology, SymbologyIdentifier

from edge.domain.barcodes import (
    DEFAULT_VARIABLE_RULES,
    Scan,
    VariableMeasureRule,
    all_digits,
    normalize_gtin,
    retail_scan,
)
from edge.domain.errors import InvalidBarcode

GS = "\x1d"  # FNC1 as scanners transmit it between variable-length element strings
# Scanners also send FNC1 as the first character of a GS1-128 symbol when they send no
# symbology identifier; some are configured to send another separator.
_CONFIG = ParseConfig(separator_chars=(GS,))
_GS1_SYMBOLOGIES = GS1Symbology.with_gs1_messages() | GS1Symbology.with_gs1_digital_link_uri()
_READ = {"01", "02", "10", "15", "16", "17"}  # what a Scan holds in fields of its own
_FIELD = re.compile(r"GS1 AI \((\d{2,4})\)")
_SYMBOLOGY_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")


def decode(raw: str, rules: tuple[VariableMeasureRule, ...] = DEFAULT_VARIABLE_RULES) -> Scan:
    """Raises InvalidBarcode with a message a cashier can read; never anything else."""
    text = raw.strip()  # also a leading or trailing FNC1: str.strip() counts \x1d as space
    if not text:
        raise InvalidBarcode("empty scan")
    symbology = None
    if text.startswith("]"):
        if not _SYMBOLOGY_ID.match(text):
            raise InvalidBarcode(f"{text!r} starts with a broken symbology identifier")
        symbology = SymbologyIdentifier.extract(text)
        text = text[len(symbology.value) :]
    gs1_symbol = symbology is not None and symbology.gs1_symbology in _GS1_SYMBOLOGIES
    if gs1_symbol or _looks_gs1(text):
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
    try:
        if text.startswith("("):
            return GS1Message.parse_hri(text, config=_CONFIG)
        if text.startswith(("http://", "https://")):
            return GS1DigitalLinkURI.parse(text, config=_CONFIG).as_gs1_message()
        return GS1Message.parse(text, config=_CONFIG)
    except ParseError as exc:
        raise InvalidBarcode(_readable(exc)) from None
    except (ValueError, LookupError):  # what the parser lets slip on garbage: still a bad scan
        raise InvalidBarcode(f"unreadable GS1 label {text[:40]!r}") from None


def _readable(exc: ParseError) -> str:
    """biip's message names a regular expression; the cashier gets the field's name instead."""
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
