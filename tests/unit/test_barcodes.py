"""Scans: retail codes and the store's variable-measure layouts (edge.domain.barcodes), and GS1
labels read through biip (edge.barcodes)."""

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.barcodes import GS, decode
from edge.domain.barcodes import (
    VariableMeasureRule,
    gs1_check_digit,
    has_valid_check_digit,
    retail_scan,
    with_check_digit,
)
from edge.domain.errors import InvalidBarcode

GTIN = "05901234123457"  # GS1 Poland prefix 590


# --- retail codes and the store's own rules --------------------------------------------------


@pytest.mark.parametrize("code", ["5901234123457", "96385074", "036000291452", "4006381333931"])
def test_valid_check_digits(code: str) -> None:
    assert has_valid_check_digit(code)


def test_ean13_ean8_upca() -> None:
    assert decode("5901234123457").kind == "ean13"
    assert decode("96385074").kind == "ean8"
    upc = decode("036000291452")
    assert upc.kind == "upca" and upc.gtin == "0036000291452"
    assert decode("]E05901234123457").gtin == "5901234123457"  # with a symbology identifier


def test_wrong_check_digit_is_a_clear_error() -> None:
    with pytest.raises(InvalidBarcode, match="check digit"):
        decode("5901234123458")


@pytest.mark.parametrize(
    "bad", ["", "   ", "abc", "12345", "59012341234570000", "12a4567890123", "١٢٣٤٥٦٧٨", "²" * 8]
)
def test_garbage_is_invalid_barcode_never_another_exception(bad: str) -> None:
    with pytest.raises(InvalidBarcode):
        decode(bad)


def test_weight_embedded_label() -> None:
    code = with_check_digit("280001401234")  # item 00014, 1.234 kg
    scan = decode(code)
    assert scan.kind == "variable" and scan.weight_g == 1234
    assert scan.gtin == with_check_digit("280001400000")


def test_price_embedded_label() -> None:
    scan = decode(with_check_digit("290004200599"))  # item 00042, 5.99 PLN
    assert scan.price == 599 and scan.gtin == with_check_digit("290004200000")


def test_variable_measure_layout_is_configurable() -> None:
    rule = VariableMeasureRule(
        prefix="21",
        item_start=2,
        item_length=4,
        value_start=6,
        value_length=6,
        kind="price",
        decimals=2,
    )
    scan = decode(with_check_digit("210042001250"), (rule,))
    assert scan.price == 1250 and scan.gtin == with_check_digit("210042000000")
    assert retail_scan("x", with_check_digit("210042001250"), (rule,)) == scan.__class__(
        raw="x", kind="variable", gtin=with_check_digit("210042000000"), price=1250
    )


# --- GS1 element strings (biip) ----------------------------------------------------------------


def test_gs1_element_string_with_fnc1_and_symbology_id() -> None:
    raw = f"]C101{GTIN}1726123110LOT42{GS}3103001500"
    scan = decode(raw)
    assert scan.kind == "gs1" and scan.gtin == "5901234123457"
    assert scan.expiry == date(2026, 12, 31) and scan.batch == "LOT42" and scan.weight_g == 1500


def test_gs1_human_readable_with_price() -> None:
    scan = decode(f"(01){GTIN}(3922)1299")
    assert scan.price == 1299 and scan.gtin == "5901234123457"


def test_best_before_on_a_fresh_food_label() -> None:
    """AI 15, the date Polish fresh food carries ("najlepiej spożyć przed")."""
    scan = decode(f"]C101{GTIN}152603153103000450")
    assert scan.best_before == date(2026, 3, 15) and scan.weight_g == 450
    assert scan.expiry is None and "15" not in scan.extra


@pytest.mark.parametrize(
    ("ai", "value", "day"),
    [("15", "280200", date(2028, 2, 29)), ("16", "270200", date(2027, 2, 28)),
     ("17", "260400", date(2026, 4, 30))],
)  # fmt: skip
def test_day_00_is_the_last_day_of_the_month(ai: str, value: str, day: date) -> None:
    scan = decode(f"(01){GTIN}({ai}){value}")
    assert {"15": scan.best_before, "16": scan.sell_by, "17": scan.expiry}[ai] == day


def test_every_application_identifier_of_the_general_specifications_is_read() -> None:
    """Not a list of thirty: production date (11), serial (21), count (30), origin (422),
    expiry date and time (7003), coupon (8008) and company-internal (91-99) fields."""
    raw = (
        f"01{GTIN}11260101"  # fixed lengths: no separator
        f"21SN-77{GS}3012{GS}422616{GS}70032612311230{GS}8008260101120000{GS}91INTERNAL"
    )
    scan = decode(raw)
    assert scan.gtin == "5901234123457"
    assert scan.extra == {
        "11": "260101", "21": "SN-77", "30": "12", "422": "616",
        "7003": "2612311230", "8008": "260101120000", "91": "INTERNAL",
    }  # fmt: skip


def test_fixed_length_fields_need_no_separator_and_a_leading_fnc1_is_ignored() -> None:
    scan = decode(f"{GS}01{GTIN}112601011726013110ABC")
    assert scan.expiry == date(2026, 1, 31) and scan.batch == "ABC"


@pytest.mark.parametrize("symbology", ["]C1", "]d2", "]Q3", "]e0"])  # 128, DataMatrix, QR, DataBar
def test_gs1_symbologies(symbology: str) -> None:
    assert decode(f"{symbology}01{GTIN}10L1").batch == "L1"


def test_a_digital_link_qr_code() -> None:
    scan = decode(f"https://id.gs1.org/01/{GTIN}/10/LOT9?15=261100")
    assert scan.gtin == "5901234123457" and scan.batch == "LOT9"
    assert scan.best_before == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (f"(01){GTIN[:-1]}8(3103)001500", "check digit"),
        (f"(01){GTIN}(17)261340", r"GS1 \(17\) Expiration date"),
        (f"(01){GTIN}(15)260015", r"GS1 \(15\) Best before date"),
        (f"01{GTIN}17261", r"GS1 \(17\)"),
        (f"(01){GTIN}(3103)00x500", r"GS1 \(3103\) Net weight"),
        ("(10)LOT42", "without a GTIN"),
        (f"(01){GTIN}(88)x", "unreadable GS1 label"),
        ("]!00105901234123457", "symbology identifier"),
    ],
)
def test_a_bad_gs1_label_is_refused_in_words_a_cashier_reads(raw: str, message: str) -> None:
    with pytest.raises(InvalidBarcode, match=message):
        decode(raw)


# --- whatever comes in --------------------------------------------------------------------------


@given(st.text(max_size=40))
def test_decode_never_raises_anything_but_invalid_barcode(text: str) -> None:
    with contextlib.suppress(InvalidBarcode):
        decode(text)


@given(st.text(alphabet=f"0123456789()]CdQe{GS}ABC-/:.htps", max_size=60))
def test_gs1_like_input_never_raises_anything_but_invalid_barcode(text: str) -> None:
    with contextlib.suppress(InvalidBarcode):
        decode(text)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_with_check_digit_always_validates(body: str) -> None:
    code = with_check_digit(body)
    assert has_valid_check_digit(code) and int(code[-1]) == gs1_check_digit(body)
