"""Nothing the ESC/POS printer prints may pass for a fiscal receipt: every document is headed
"WYDRUK NIEFISKALNY" and none is titled "PARAGON" (only the fiscal device prints those)."""

from __future__ import annotations

import pytest

from devices.config import PrinterProfile
from devices.layout import Document
from devices.receipts import return_receipt, sale_receipt
from devices.render import render
from devices.slips import cash_slip, pickup_slip, report, self_test_page
from tests.unit.devices.escpos_decoder import decode
from tests.unit.devices.test_receipt_render import SAMPLE_RETURN, STORE, sample_sale

REPORT = {"register": "01", "sales": 2, "total": 1000, "tenders": {"cash": 1000}, "cash": 1000,
          "vat": [{"rate": "A", "gross": 1000, "vat": 187}]}  # fmt: skip
CASH = {"amount": 5000, "currency": "PLN", "register": "01", "reason": "bank", "by": "cashier",
        "at": "2026-11-23T12:00:00+00:00"}  # fmt: skip
PICKUP = {"order_id": "O-7", "name": "Jan Żak", "shelf": "B2", "pickup_code": "482913",
          "lines": [{"sku": "A", "qty": 2}]}  # fmt: skip
PROFILE = PrinterProfile()

DOCUMENTS: dict[str, Document] = {
    "sale slip": sale_receipt(sample_sale(4), STORE, 48),
    "sale slip copy": sale_receipt(sample_sale(2), STORE, 48, copy=True),
    "return protocol": return_receipt(SAMPLE_RETURN, STORE, 48, names={"A": "Gęś"}),
    "pickup slip": pickup_slip(PICKUP, STORE, 48),
    "order confirmation": pickup_slip(PICKUP, STORE, 48, kind="pickup_collection"),
    "cash in": cash_slip({**CASH, "kind": "in"}, STORE, 48),
    "cash out": cash_slip({**CASH, "kind": "out"}, STORE, 48),
    "X summary": report({**REPORT, "kind": "x"}, STORE, 48),
    "Z summary": report({**REPORT, "kind": "z", "number": 3}, STORE, 48),
    "test page": self_test_page(STORE, "till1", PROFILE),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_escpos_document_is_marked_non_fiscal(name: str) -> None:
    text = decode(render(DOCUMENTS[name], PROFILE)).text
    assert "WYDRUK NIEFISKALNY" in text
    assert "PARAGON" not in text


def test_the_return_protocol_is_titled_so_and_signed_by_the_customer() -> None:
    text = decode(render(DOCUMENTS["return protocol"], PROFILE)).text
    assert "PROTOKÓŁ ZWROTU" in text and "Podpis klienta" in text
