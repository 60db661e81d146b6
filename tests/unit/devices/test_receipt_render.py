from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devices.config import PrinterProfile
from devices.layout import COPY_MARK, StoreHeader
from devices.receipts import return_receipt, sale_receipt
from devices.render import render
from devices.slips import cash_slip, pickup_slip, report, self_test_page
from edge.domain.money import Money
from edge.domain.sale import Sale, SaleLine
from edge.domain.tenders import Tender
from edge.domain.vat import VatLine, VatRate
from tests.unit.devices.escpos_decoder import decode

POLISH = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
STORE = StoreHeader("Sklep Łódź", "ul. Piotrkowska 1, 90-001 Łódź", "NIP 725-000-00-00")


SAMPLE_RETURN = {
    "return_id": "R-1",
    "original": {"kind": "sale", "ref": "S001-01-000001"},
    "lines": [{"sku": "A", "qty": 1, "unit_price": 500, "refund": 500, "reason": "wada"}],
    "refund": {"total": 500, "tenders": [{"type": "cash", "amount": 500}]},
    "at": "2026-11-23T12:00:00+00:00",
    "cashier": "cashier",
}


def sample_sale(lines: int = 3) -> Sale:
    names = ["Żurek śląski 500 ml", "Chleb żytni ĄĆĘ", "Łosoś wędzony ŃÓŚŹŻ", "Masło ąćęłńóśźż"]
    sale_lines = tuple(
        SaleLine(
            line_no=i + 1,
            sku=f"SKU{i}",
            name=names[i % len(names)],
            unit="pcs",
            vat=[VatRate.A, VatRate.B, VatRate.C, VatRate.D][i % 4],
            qty=2,
            unit_price=499,
            gross=998,
            discount=100 if i == 0 else 0,
            total=898 if i == 0 else 998,
            promotion="PROMO1" if i == 0 else None,
        )
        for i in range(lines)
    )
    total = sum(ln.total for ln in sale_lines)
    vat = tuple(
        VatLine(rate, Money(sum(ln.total for ln in sale_lines if ln.vat == rate)), Money(50))
        for rate in VatRate
        if any(ln.vat == rate for ln in sale_lines)
    )
    return Sale(
        receipt_no="S001-01-000042",
        store_id="S001",
        register="01",
        cashier="cashier",
        at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        currency="PLN",
        lines=sale_lines,
        tenders=(Tender("cash", total + 102),),
        change=102,
        vat=vat,
    )


@pytest.mark.parametrize("code_page", ["cp852", "wpc1250", "iso8859_2"])
def test_a_receipt_decodes_to_its_text_with_every_polish_letter(code_page: str) -> None:
    profile = PrinterProfile(width_mm=80, code_page=code_page)
    data = render(sale_receipt(sample_sale(4), STORE, profile.columns), profile)
    out = decode(data)
    for ch in POLISH:
        assert ch in out.text, ch
    assert "Dziękujemy za zakupy" in out.text
    assert "Żurek śląski 500 ml" in out.text
    assert "S001-01-000042" in out.text
    assert "Kasa 01" in out.text and "Kasjer cashier" in out.text
    assert "2 x 4,99" in out.text
    assert "Rabat PROMO1" in out.text
    for letter in "ABCD":
        assert f"VAT {letter}" in out.text
    assert "Reszta" in out.text and "1,02" in out.text
    assert out.of("barcode") == [("barcode", "S001-01-000042")]
    assert out.of("qr") == [("qr", "S001-01-000042")]
    assert out.of("cut") == [("cut", "partial")]
    assert not out.has("drawer")
    assert COPY_MARK not in out.text
    assert all(len(line) <= profile.columns for line in out.lines)


def test_a_58mm_profile_fits_32_columns_and_cuts_fully() -> None:
    profile = PrinterProfile(width_mm=58, cut="full", code_page="cp852")
    out = decode(render(sale_receipt(sample_sale(), STORE, profile.columns), profile))
    assert max(len(line) for line in out.lines) <= 32
    assert out.of("cut") == [("cut", "full")]


def test_a_printer_without_polish_code_page_gets_those_lines_as_images() -> None:
    profile = PrinterProfile(code_page="none", cut="none")
    out = decode(render(sale_receipt(sample_sale(), STORE, profile.columns), profile))
    images = out.of("raster")
    assert images, "lines with Polish letters must be rasterised"
    assert all(w == profile.dots // 8 and h == 24 for _, w, h, _ in images if h != 48)
    assert all(any(bits) for *_, bits in images)  # something is drawn
    assert "S001-01-000042" in out.text  # plain ASCII lines stay text
    # PC437 happens to carry "ó"; every other Polish letter went to an image.
    assert not any(ch in out.text for ch in POLISH if ch != "ó")
    assert "?" not in out.text
    assert not out.has("cut")


def test_a_copy_is_marked_and_a_drawer_pulse_only_when_asked() -> None:
    profile = PrinterProfile()
    out = decode(render(sale_receipt(sample_sale(), STORE, 48, copy=True), profile, drawer=True))
    assert out.text.count(COPY_MARK) == 2
    assert out.of("drawer") == [("drawer", 0)]


def test_return_pickup_report_and_test_page_render() -> None:
    profile = PrinterProfile()
    ret = return_receipt(SAMPLE_RETURN, STORE, 48, names={"A": "Gęś"})
    text = decode(render(ret, profile)).text
    assert "ZWROT" in text and "Gęś" in text and "S001-01-000001" in text
    slip = decode(
        render(
            pickup_slip(
                {
                    "order_id": "O-7",
                    "name": "Jan Żak",
                    "shelf": "B2",
                    "lines": [{"sku": "A", "qty": 2}],
                },
                STORE,
                48,
            ),
            profile,
        )
    )
    assert "O-7" in slip.text and "Jan Żak" in slip.text and "B2" in slip.text
    z = decode(
        render(
            report(
                {
                    "kind": "z",
                    "number": 3,
                    "register": "01",
                    "sales": 2,
                    "total": 1000,
                    "tenders": {"cash": 1000},
                    "cash": 1000,
                    "vat": [{"rate": "A", "gross": 1000, "vat": 187}],
                },
                STORE,
                48,
            ),
            profile,
        )
    )
    assert "RAPORT Z nr 3" in z.text and "10,00" in z.text
    page = decode(render(self_test_page(STORE, "till1", profile), profile)).text
    assert "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ" in page and "till1" in page


def test_cash_slip_and_a_kiosk_slip_with_its_pickup_code() -> None:
    profile = PrinterProfile()
    slip = decode(render(cash_slip({"kind": "out", "amount": 5000, "currency": "PLN",
                                    "register": "01", "reason": "wpłata do banku",
                                    "by": "cashier", "approved_by": "supervisor",
                                    "at": "2026-11-23T12:00:00+00:00"}, STORE, 48),
                         profile)).text  # fmt: skip
    assert "WYPŁATA" in slip and "50,00" in slip and "wpłata do banku" in slip
    assert "supervisor" in slip
    kiosk = decode(render(pickup_slip({"order_id": "K-1234", "pickup_code": "482913",
                                       "lines": [{"sku": "A", "qty": 1}]}, STORE, 48),
                          profile)).text  # fmt: skip
    assert "482913" in kiosk


def test_a_weighed_line_shows_kilograms_and_the_price_per_kg() -> None:
    sale = sample_sale(1)
    weighed = SaleLine(2, "VEG-1", "Jabłka", "kg", VatRate.C, 1350, 499, 674, 0, 674)
    sale = Sale(**{**{f: getattr(sale, f) for f in Sale.__slots__}, "lines": (weighed,)})
    text = decode(render(sale_receipt(sale, STORE, 48), PrinterProfile())).text
    assert "1,350 kg x 4,99" in text and "6,74" in text
