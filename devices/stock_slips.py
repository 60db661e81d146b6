"""Non-fiscal slips of the stock documents (edge/services/stock_documents.py): write-offs,
stock counts, deliveries received and transfers, laid out from their event's data (the shared
header marks them WYDRUK NIEFISKALNY)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from devices.layout import Barcode, Document, StoreHeader, Text, columns, header, money, rule
from devices.layout import trailer as _trailer

TITLES = {
    "write_off.completed": "ODPIS / WRITE-OFF",
    "count.completed": "INWENTARYZACJA / STOCK COUNT",
    "delivery.received": "PRZYJĘCIE DOSTAWY / GOODS RECEIVED",
    "transfer.sent": "PRZESUNIĘCIE MM- / TRANSFER OUT",
    "transfer.received": "PRZESUNIĘCIE MM+ / TRANSFER IN",
}
REASONS = {"damaged": "uszkodzenie", "expired": "przeterminowanie", "theft": "kradzież"}
ID_KEYS = ("write_off_id", "count_id", "delivery_id", "transfer_id")
MAX_LINES = 200  # paper: beyond this the slip points to the system


def stock_slip(
    data: Mapping[str, Any], store: StoreHeader, width: int, *, copy: bool = False,
    names: Mapping[str, str] | None = None,
) -> Document:  # fmt: skip
    names = names or {}
    kind = str(data.get("document", ""))
    doc = header(store, width, TITLES.get(kind, "DOKUMENT MAGAZYNOWY / STOCK"), copy)
    doc_id = next((str(data[k]) for k in ID_KEYS if data.get(k)), "")
    doc.append(Text(columns("Nr", doc_id[: width - 4], width)))
    doc.append(Text(columns("Data", str(data.get("at", ""))[:16].replace("T", " "), width)))
    for label, key in (("Do sklepu", "to_store"), ("Ze sklepu", "from_store"),
                       ("Dokument dost.", "reference"), ("Zakres", "scope")):  # fmt: skip
        if data.get(key):
            doc.append(Text(columns(label, str(data[key]), width)))
    if data.get("reason"):
        reason = str(data["reason"])
        doc.append(Text(columns("Powód", REASONS.get(reason, reason), width), bold=True))
    doc.append(rule(width))
    lines = list(data.get("lines", []))
    if kind == "count.completed":  # what the count changed; a whole store's count is long
        lines = [ln for ln in lines if ln.get("difference")]
    for ln in lines[:MAX_LINES]:
        doc += _line(ln, names.get(str(ln.get("sku")), str(ln.get("sku"))), width)
    if len(lines) > MAX_LINES:
        doc.append(Text(f"… +{len(lines) - MAX_LINES} (pełna lista w systemie / see the system)"))
    doc.append(rule(width))
    if "value" in data:
        doc.append(Text(columns("Wartość", money(int(data["value"])), width), bold=True))
    doc.append(Text(columns("Wystawił(a)", str(data.get("staff", "")), width)))
    if data.get("approved_by"):
        doc.append(Text(columns("Zatwierdził(a)", str(data["approved_by"]), width)))
    if kind == "transfer.sent" and doc_id.isascii() and doc_id:
        doc.append(Barcode(doc_id[:40]))  # the receiving store scans it
    doc.append(Text("Podpis / Signature:"))
    doc.append(Text(""))
    return doc + _trailer(width, copy)


def _line(ln: Mapping[str, Any], name: str, width: int) -> Document:
    if "counted" in ln:  # a count: what the books said as of its start, what was found
        return [Text(name), Text(columns(f"  stan {ln.get('book')} / policzono {ln['counted']}",
                                         f"{int(ln.get('difference', 0)):+d}", width))]  # fmt: skip
    if "announced" in ln:  # a delivery: what was announced, what came so far
        diff = int(ln.get("difference", 0))
        shown = f"{ln['received']} z {ln['announced']}" + (f" ({diff:+d})" if diff else "")
        return [Text(columns(name, shown, width))]
    return [Text(columns(name, f"{int(ln.get('qty', 0))}", width))]
