from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.barcodes import decode
from edge.domain import approvals
from edge.domain.barcodes import with_check_digit
from edge.domain.basket import Basket, apportion, price
from edge.domain.catalogue import Product, Promotion
from edge.domain.errors import BasketClosed, InvalidInput, NotFound
from edge.domain.vat import VatRate

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MILK = Product(
    "MLK", {"pl": "Mleko 2%", "en": "Milk 2%"}, 349, VatRate.C, barcodes=("5901234123457",)
)
BEER = Product("BEER", {"pl": "Piwo", "en": "Beer"}, 450, VatRate.A)
HAM = Product("HAM", {"pl": "Szynka", "en": "Ham"}, 4999, VatRate.C, unit="kg")
BREAD = Product("BRD", {"pl": "Chleb", "en": "Bread"}, 599, VatRate.C)


def basket() -> Basket:
    return Basket(id="b1", register="01")


def test_scanning_the_same_piece_again_adds_to_its_line() -> None:
    b = basket()
    b.add(MILK)
    b.add(MILK, 2)
    assert len(b.lines) == 1 and b.lines[0].qty == 3
    assert price(b, {}, NOW).total == 3 * 349


def test_weighed_label_brings_its_weight_and_rounds_the_amount_half_up() -> None:
    b = basket()
    line = b.add(HAM, scan=decode(with_check_digit("280001400333")))  # 333 g
    assert line.qty == 333 and line.unit == "kg"
    # 49.99 PLN/kg x 0.333 kg = 16.64667 -> 16.65
    assert price(b, {}, NOW).total == 1665


def test_price_embedded_label_fixes_the_line_amount() -> None:
    b = basket()
    line = b.add(HAM, scan=decode(with_check_digit("290001401234")))
    assert price(b, {}, NOW).total == 1234
    with pytest.raises(InvalidInput):
        b.set_qty(line.line_id, 2)


def test_quantity_change_and_removal() -> None:
    b = basket()
    line = b.add(BREAD)
    b.set_qty(line.line_id, 4)
    assert price(b, {}, NOW).total == 4 * 599
    with pytest.raises(InvalidInput):
        b.set_qty(line.line_id, 0)
    b.remove(line.line_id)
    assert b.lines == [] and price(b, {}, NOW).total == 0
    with pytest.raises(NotFound):
        b.remove(line.line_id)


def test_best_active_promotion_applies() -> None:
    b = basket()
    b.add(BEER, 3)
    promos = {
        "BEER": [
            Promotion("p1", "BEER", "multibuy", buy=3, pay=2),
            Promotion("p2", "BEER", "percent", value=10),
            Promotion("p3", "BEER", "percent", value=50, ends=NOW - timedelta(days=1)),
        ]
    }
    priced = price(b, promos, NOW)
    assert priced.lines[0].promotion is not None and priced.lines[0].promotion.id == "p1"
    assert priced.total == 900


def test_line_and_basket_discounts_and_vat_per_rate() -> None:
    b = basket()
    milk = b.add(MILK, 2)
    b.add(BEER, 1)
    b.discount_line(milk.line_id, percent=10)  # 6.98 -> -0.70
    b.discount_basket(amount=100)
    priced = price(b, {}, NOW)
    assert priced.subtotal == 698 + 450
    assert priced.total == 698 + 450 - 70 - 100
    assert sum(v.gross.amount for v in priced.vat) == priced.total
    assert {v.rate for v in priced.vat} == {VatRate.A, VatRate.C}


def test_discount_validation() -> None:
    b = basket()
    line = b.add(MILK)
    for kwargs in ({"percent": 101}, {"amount": -1}, {"percent": 5, "amount": 5}):
        with pytest.raises(InvalidInput):
            b.discount_line(line.line_id, **kwargs)


def test_manual_price_override_records_who_approved_what() -> None:
    b = basket()
    line = b.add(BREAD)
    b.override_price(line.line_id, 399)
    priced = price(b, {}, NOW)
    assert priced.total == 399 and priced.lines[0].reference == 599
    [needed] = approvals.uncovered(b, priced, cashier_max_percent=10)
    b.approve(needed.target, approvals.grant(needed, "supervisor"))
    assert b.lines[0].approved_by == "supervisor"
    assert b.lines[0].approval == approvals.Approval("supervisor", "price_override", 200, 599)
    assert approvals.uncovered(b, price(b, {}, NOW), cashier_max_percent=10) == []


def test_a_closed_basket_refuses_changes() -> None:
    b = basket()
    b.add(MILK)
    b.status = "completed"
    with pytest.raises(BasketClosed):
        b.add(MILK)


@given(st.integers(0, 10_000), st.lists(st.integers(0, 100_000), min_size=1, max_size=20))
def test_apportion_shares_sum_to_the_amount(amount: int, weights: list[int]) -> None:
    shares = apportion(amount, weights)
    if sum(weights) > 0:
        assert sum(shares) == amount
        assert all(s >= 0 for s in shares)
    else:
        assert shares == [0] * len(weights)


@given(
    st.lists(st.tuples(st.sampled_from([MILK, BEER, BREAD]), st.integers(1, 50)), max_size=10),
    st.integers(0, 100),
)
def test_priced_basket_vat_lines_sum_to_the_total(
    adds: list[tuple[Product, int]], basket_percent: int
) -> None:
    b = basket()
    for product, qty in adds:
        b.add(product, qty)
    b.discount_basket(percent=basket_percent)
    priced = price(b, {}, NOW)
    assert sum(v.gross.amount for v in priced.vat) == priced.total >= 0
    assert priced.total == priced.subtotal - priced.discount
