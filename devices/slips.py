"""Pickup slips, X/Z end-of-day reports and the test page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from devices.config import PrinterProfile
from devices.layout import (
    QR,
    Barcode,
    Document,
    StoreHeader,
    Text,
    columns,
    header,
    local_time,
    money,
    rule,
)
from devices.layout import trailer as _trailer
from devices.receipts import TENDER_NAMES, vat_letters

PICKUP_TITLES = {
    "pickup_slip": "ODBIÓR OSOBISTY / PICKUP",
    "pickup_collection": "WYDANIE ZAMÓWIENIA / COLLECTED",
}
POLISH_SAMPLE = "Zażółć gęślą jaźń — ZAŻÓŁĆ GĘŚLĄ JAŹŃ"


def pickup_slip(
    data: Mapping[str, Any],
    store: StoreHeader,
    width: int,
    *,
    kind: str = "pickup_slip",
    copy: bool = False,
    names: Mapping[str, str] | None = None,
    qr_code: bool = True,
) -> Document:
    """From `edge.services.pickups.slip(order)`: order_id, name, shelf, qr, lines[sku, qty]."""
    names = names or {}
    doc = header(store, width, PICKUP_TITLES.get(kind, PICKUP_TITLES["pickup_slip"]), copy)
    order_id = str(data.get("order_id", ""))
    doc.append(Text(order_id, "center", bold=True, double=True))
    if data.get("name"):
        doc.append(Text(columns("Klient", str(data["name"]), width)))
    if data.get("shelf"):
        doc.append(Text(columns("Półka", str(data["shelf"]), width), bold=True))
    if data.get("pickup_code"):
        # A kiosk order's slip is the shopper's only copy of the code they collect with.
        doc.append(Text("Kod odbioru / Pickup code", "center"))
        doc.append(Text(str(data["pickup_code"]), "center", bold=True, double=True))
    if data.get("by"):
        doc.append(Text(columns("Wydał(a)", str(data["by"]), width)))
    doc.append(rule(width))
    for line in data.get("lines", []):
        sku = str(line.get("sku", ""))
        doc.append(Text(columns(names.get(sku, sku), f"{int(line.get('qty', 0))} szt.", width)))
    doc.append(rule(width))
    code = str(data.get("qr") or order_id)
    if order_id.isascii() and order_id:
        doc.append(Barcode(order_id[:40]))
    if code.isascii() and code and qr_code:  # a collection's QR is the store-signed proof
        doc.append(QR(code))
    return doc + _trailer(width, copy)


def cash_slip(
    data: Mapping[str, Any], store: StoreHeader, width: int, *, copy: bool = False
) -> Document:
    """From `edge.services.cash.move_cash`: a signed-for record of cash in or out."""
    title = "WPŁATA / CASH IN" if data.get("kind") == "in" else "WYPŁATA / CASH OUT"
    doc = header(store, width, title, copy)
    currency = str(data.get("currency", "PLN"))
    doc.append(Text(money(int(data.get("amount", 0)), currency), "center", bold=True, double=True))
    doc.append(Text(columns("Kasa", str(data.get("register", "")), width)))
    doc.append(Text(columns("Data", str(data.get("at", ""))[:16].replace("T", " "), width)))
    if data.get("reason"):
        doc.append(Text(columns("Tytuł", str(data["reason"]), width)))
    doc.append(Text(columns("Kasjer", str(data.get("by", "")), width)))
    if data.get("approved_by"):
        doc.append(Text(columns("Zatwierdził(a)", str(data["approved_by"]), width)))
    doc.append(rule(width))
    doc.append(Text("Podpis / Signature:"))
    doc.append(Text(""))
    return doc + _trailer(width, copy)


def report(data: Mapping[str, Any], store: StoreHeader, width: int) -> Document:
    """X (mid-day, changes nothing) or Z (closing) report from `edge.services.shifts.report`."""
    kind = str(data.get("kind", "x")).upper()
    title = f"RAPORT {kind}" + (f" nr {data['number']}" if data.get("number") else "")
    doc = header(store, width, title)
    currency = str(data.get("currency", "PLN"))
    doc.append(Text(columns("Kasa", str(data.get("register", "")), width)))
    for label, key in (("Od", "from"), ("Do", "to")):
        at = str(data.get(key) or "")
        shown = local_time(datetime.fromisoformat(at), store.timezone) if at else "początek"
        doc.append(Text(columns(label, shown, width)))
    doc.append(rule(width))
    doc.append(Text(columns("Liczba paragonów", str(data.get("sales", 0)), width)))
    doc.append(Text(columns("Rabaty", money(int(data.get("discount", 0)), currency), width)))
    for v in data.get("vat", []):
        doc.append(Text(columns(f"Sprzedaż {v['rate']}", money(int(v["gross"]), currency), width)))
        doc.append(Text(columns(f"PTU {v['rate']}", money(int(v["vat"]), currency), width)))
    doc.append(
        Text(
            columns("RAZEM", money(int(data.get("total", 0)), currency), width // 2),
            bold=True,
            double=True,
        )
    )
    doc.append(rule(width))
    for kind_, amount in sorted((data.get("tenders") or {}).items()):
        label = TENDER_NAMES.get(kind_, kind_)
        doc.append(Text(columns(label, money(int(amount), currency), width)))
    if data.get("cash_in"):
        doc.append(Text(columns("Wpłaty", money(int(data["cash_in"]), currency), width)))
    if data.get("cash_out"):
        doc.append(Text(columns("Wypłaty", money(-int(data["cash_out"]), currency), width)))
    if data.get("returns"):
        doc.append(Text(columns("Zwroty", str(data["returns"]), width)))
        for kind_, amount in sorted((data.get("refund_tenders") or {}).items()):
            label = f"Zwrot {TENDER_NAMES.get(kind_, kind_)}"
            doc.append(Text(columns(label, money(-int(amount), currency), width)))
    doc.append(
        Text(columns("Gotówka w szufladzie", money(int(data.get("cash", 0)), currency), width))
    )
    if data.get("by"):
        doc.append(Text(columns("Wydruk", str(data["by"]), width)))
    return doc + _trailer(width, False)


def self_test_page(store: StoreHeader, printer: str, profile: PrinterProfile) -> Document:
    width = profile.columns
    doc = header(store, width, "STRONA TESTOWA / TEST PAGE")
    doc.append(Text(columns("Drukarka", printer, width)))
    doc.append(Text(columns("Papier", f"{profile.width_mm} mm / {width} kol.", width)))
    doc.append(Text(columns("Strona kodowa", profile.code_page, width)))
    doc.append(Text(columns("Obcinanie", profile.cut, width)))
    doc.append(Text(vat_letters()))
    doc.append(Text("ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"))
    doc.append(Text(POLISH_SAMPLE[:width]))
    doc.append(Text(("0123456789" * 10)[:width]))
    doc.append(Text("DOUBLE", "center", bold=True, double=True))
    doc.append(Barcode("TEST-123"))
    if profile.qr:
        doc.append(QR("SE-TEST"))
    return doc + _trailer(width, False)
