import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.domain.barcodes import (
    GS,
    VariableMeasureRule,
    decode,
    gs1_check_digit,
    has_valid_check_digit,
    with_check_digit,
)
from edge.domain.errors import InvalidBarcode


@pytest.mark.parametrize("code", ["5901234123457", "96385074", "036000291452", "4006381333931"])
def test_valid_check_digits(code: str) -> None:
    assert has_valid_check_digit(code)


def test_ean13_ean8_upca() -> None:
    assert decode("5901234123457").kind == "ean13"
    assert decode("96385074").kind == "ean8"
    upc = decode("036000291452")
    assert upc.kind == "upca" and upc.gtin == "0036000291452"


def test_wrong_check_digit_is_a_clear_error() -> None:
    with pytest.raises(InvalidBarcode, match="check digit"):
        decode("5901234123458")


@pytest.mark.parametrize("bad", ["", "   ", "abc", "12345", "59012341234570000", "12a4567890123"])
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


def test_gs1_element_string_with_fnc1_and_symbology_id() -> None:
    raw = f"]C10105901234123457{'17'}261231{'10'}LOT42{GS}3103001500"
    scan = decode(raw)
    assert scan.kind == "gs1" and scan.gtin == "5901234123457"
    assert scan.expiry == date(2026, 12, 31) and scan.batch == "LOT42" and scan.weight_g == 1500


def test_gs1_human_readable_with_price() -> None:
    scan = decode("(01)05901234123457(3922)1299")
    assert scan.price == 1299 and scan.gtin == "5901234123457"


def test_gs1_with_a_bad_gtin_or_date_is_refused() -> None:
    with pytest.raises(InvalidBarcode):
        decode("(01)05901234123458(3103)001500")
    with pytest.raises(InvalidBarcode):
        decode("(01)05901234123457(17)261340")


@given(st.text(max_size=40))
def test_decode_never_raises_anything_but_invalid_barcode(text: str) -> None:
    with contextlib.suppress(InvalidBarcode):
        decode(text)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_with_check_digit_always_validates(body: str) -> None:
    code = with_check_digit(body)
    assert has_valid_check_digit(code) and int(code[-1]) == gs1_check_digit(body)
