"""Sale and return receipts, laid out from the sale (or the return event), never by hand."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

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
    trailer,
)
from edge.domain.sale import Sale, SaleLine
from edge.domain.vat import VatRate

STALE_BALANCE_S = 300  # a balance known longer before the sale is "the last one known"
TENDER_NAMES = {"cash": "Gotówka", "card": "Karta", "exchange": "Wymiana", "voucher": "Bon"}
SALE_TITLE = "POTWIERDZENIE SPRZEDAŻY"
DEFAULT_FOOTER = ("Dziękujemy za zakupy! Zwrot w ciągu 30 dni z paragonem.",)


def _qty(unit: str, qty: int) -> str:
    if unit == "kg":
        return f"{qty / 1000:.3f}".replace(".", ",") + " kg"
    return str(qty)


def _sale_line(line: SaleLine, width: int, currency: str) -> Document:
    doc: Document = [Text(columns(line.name, line.vat.letter, width))]
    qty = _qty(line.unit, line.qty)
    doc.append(
        Text(
            columns(
                f"  {qty} x {money(line.unit_price, currency)}",
                money(line.gross, currency),
                width,
            )
        )
    )
    if line.discount:
        label = f"  Rabat {line.promotion}" if line.promotion else "  Rabat"
        doc.append(Text(columns(label, "-" + money(line.discount, currency), width)))
    return doc


def _vat_block(sale: Sale, width: int) -> Document:
    doc: Document = []
    for v in sale.vat:
        pct = f"{v.rate.letter} {v.rate.percent}%"
        doc.append(Text(columns(f"Sprzedaż {pct}", money(v.gross.amount), width)))
        doc.append(Text(columns(f"VAT {pct}", money(v.vat.amount), width)))
    doc.append(Text(columns("Suma VAT", money(sum(v.vat.amount for v in sale.vat)), width)))
    return doc


def loyalty_lines(member: Mapping[str, Any] | None, sale_at: datetime, timezone: str) -> list[str]:
    """The member's points as the customer's printout shows them (the sale summary here, or a
    non-fiscal printout after a fiscal receipt): earned, redeemed and the balance with when it
    was known (the hub's answer when the card was scanned, or the one cached here)."""
    if not member:
        return []
    lines = ["Karta stałego klienta", f"Punkty za zakupy: {int(member.get('points_earned') or 0)}"]
    if member.get("points_redeemed"):
        lines.append(f"Wykorzystane punkty: {int(member['points_redeemed'])}")
    balance, as_of = member.get("points_balance"), member.get("balance_as_of")
    if balance is None or not as_of:
        return [*lines, "Saldo punktów: nieznane", "(naliczymy po połączeniu)"]
    known = datetime.fromisoformat(str(as_of))
    lines += [f"Saldo punktów: {int(balance)}", f"stan na {local_time(known, timezone)}"]
    if (sale_at - known).total_seconds() > STALE_BALANCE_S:
        lines.append("(ostatnie znane saldo + te zakupy)")
    return lines


def sale_receipt(
    sale: Sale,
    store: StoreHeader,
    width: int,
    *,
    copy: bool = False,
    footer: tuple[str, ...] = DEFAULT_FOOTER,
    qr_code: bool = True,
    loyalty: list[str] | None = None,
) -> Document:
    # Printed only where no fiscal device registers the sales ([fiscal] required = false):
    # a summary of the sale, never a receipt.
    doc = header(store, width, SALE_TITLE, copy)
    for line in sale.lines:
        doc += _sale_line(line, width, sale.currency)
    doc.append(rule(width))
    if sale.discount:
        doc.append(Text(columns("Suma rabatów", "-" + money(sale.discount, sale.currency), width)))
    doc += _vat_block(sale, width)
    doc.append(rule(width))
    doc.append(
        Text(
            columns(f"SUMA {sale.currency}", money(sale.total, sale.currency), width // 2),
            bold=True,
            double=True,
        )
    )
    for t in sale.tenders:
        name = TENDER_NAMES.get(t.type, t.type)
        doc.append(Text(columns(name, money(t.amount, sale.currency), width)))
    if sale.change:
        doc.append(Text(columns("Reszta", money(sale.change, sale.currency), width)))
    doc.append(rule(width))
    doc.append(Text(columns("Dokument nr", sale.receipt_no, width)))
    doc.append(Text(columns(f"Kasa {sale.register}", f"Kasjer {sale.cashier}", width)))
    doc.append(Text(local_time(sale.at, store.timezone)))
    if loyalty:
        doc.append(rule(width))
        doc += [Text(line[:width]) for line in loyalty]
    doc.append(Barcode(sale.receipt_no))
    if qr_code:
        doc.append(QR(sale.receipt_no))
    return doc + trailer(width, copy, footer)


def return_receipt(
    data: Mapping[str, Any],
    store: StoreHeader,
    width: int,
    *,
    copy: bool = False,
    names: Mapping[str, str] | None = None,
    currency: str = "PLN",
) -> Document:
    """From the `return.completed` event data (plus `cashier`)."""
    names = names or {}
    doc = header(store, width, "PROTOKÓŁ ZWROTU", copy)
    original = data.get("original") or {}
    if original.get("ref"):
        doc.append(Text(columns("Do dokumentu", str(original["ref"]), width)))
    for line in data.get("lines", []):
        sku = str(line.get("sku", ""))
        doc.append(Text(names.get(sku, sku)))
        qty = int(line.get("qty", 0))
        doc.append(
            Text(
                columns(
                    f"  {qty} x {money(int(line.get('unit_price', 0)), currency)}",
                    "-" + money(int(line.get("refund", 0)), currency),
                    width,
                )
            )
        )
        if line.get("reason"):
            doc.append(Text(f"  Powód: {line['reason']}"[:width]))
    doc.append(rule(width))
    refund = data.get("refund") or {}
    doc.append(
        Text(
            columns("DO ZWROTU", money(int(refund.get("total", 0)), currency), width // 2),
            bold=True,
            double=True,
        )
    )
    for t in refund.get("tenders", []):
        name = TENDER_NAMES.get(str(t.get("type")), str(t.get("type")))
        doc.append(Text(columns(name, money(int(t.get("amount", 0)), currency), width)))
    if data.get("exchange_receipt_no"):
        doc.append(Text(columns("Wymiana na", str(data["exchange_receipt_no"]), width)))
    doc.append(rule(width))
    return_id = str(data.get("return_id", ""))
    doc.append(Text(columns("Zwrot nr", return_id[:24], width)))
    if data.get("cashier"):
        doc.append(Text(columns("Kasjer", str(data["cashier"]), width)))
    at = data.get("at")
    if isinstance(at, str):
        try:
            doc.append(Text(local_time(datetime.fromisoformat(at), store.timezone)))
        except ValueError:
            doc.append(Text(at[:width]))
    # The returns register needs the customer's signature on the protocol.
    doc.append(Text("Podpis klienta:"))
    doc.append(Text("." * width))
    doc.append(Text("Podpis sprzedawcy:"))
    doc.append(Text("." * width))
    return doc + trailer(width, copy)


def vat_letters() -> str:
    return " ".join(f"{r.letter}={r.percent}%" for r in VatRate)
