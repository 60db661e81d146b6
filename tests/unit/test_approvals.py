"""Approval rules on the basket as it will be paid (edge/domain/approvals.py)."""

from datetime import UTC, datetime

from edge.domain import approvals
from edge.domain.approvals import BASKET, Approval
from edge.domain.basket import Basket, price
from edge.domain.catalogue import Product, Promotion
from edge.domain.vat import VatRate

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BREAD = Product("BRD", {"pl": "Chleb"}, 549, VatRate.C)
LIMIT = 10  # a cashier may take up to 10 % off alone


def uncovered(b: Basket, promos: dict | None = None) -> list[approvals.Reduction]:
    return approvals.uncovered(b, price(b, promos or {}, NOW), LIMIT)


def test_a_cashiers_discount_within_the_limit_needs_no_approval() -> None:
    b = Basket("b", "01")
    line = b.add(BREAD, 10)
    b.discount_line(line.line_id, amount=549)  # 10 % of 54,90 zł
    assert uncovered(b) == []


def test_the_same_amount_off_one_piece_is_a_free_line_and_needs_approval() -> None:
    b = Basket("b", "01")
    line = b.add(BREAD, 10)
    b.discount_line(line.line_id, amount=549)
    b.set_qty(line.line_id, 1)
    [r] = uncovered(b)
    assert (r.target, r.action, r.amount, r.reference) == (line.line_id, "line_discount", 549, 549)


def test_an_approval_covers_no_more_money_and_no_larger_share() -> None:
    ok = Approval("boss", "line_discount", amount=1000, base=5000)  # 20 %
    assert ok.covers(1000, 5000) and ok.covers(500, 5000)
    assert not ok.covers(1001, 10_000)  # more money, though a smaller share
    assert not ok.covers(1000, 2000)  # the same money, a larger share


def test_an_approved_percentage_on_more_goods_is_more_money_and_needs_approval_again() -> None:
    b = Basket("b", "01")
    line = b.add(BREAD, 2)
    b.discount_line(line.line_id, percent=50)
    [r] = uncovered(b)
    b.approve(r.target, approvals.grant(r, "boss"))
    assert uncovered(b) == []
    b.set_qty(line.line_id, 4)
    assert [x.target for x in uncovered(b)] == [line.line_id]


def test_a_promotion_that_starts_later_can_push_a_discount_over_the_limit() -> None:
    b = Basket("b", "01")
    line = b.add(BREAD, 1)
    b.discount_line(line.line_id, amount=54)  # 54 of 549: within 10 %
    assert uncovered(b) == []
    half = Promotion("P", "BRD", "percent", value=50)  # now 54 of 275: 20 %
    assert [x.target for x in uncovered(b, {"BRD": [half]})] == [line.line_id]


def test_a_basket_discount_is_checked_against_the_basket() -> None:
    b = Basket("b", "01")
    b.add(BREAD, 2)
    b.discount_basket(amount=100)  # 100 of 1 098: within 10 %
    assert uncovered(b) == []
    b.discount_basket(amount=200)
    [r] = uncovered(b)
    assert r.target == BASKET and r.action == "basket_discount"
    b.approve(BASKET, approvals.grant(r, "boss"))
    assert uncovered(b) == [] and b.approval is not None and b.approval.by == "boss"


def test_a_manual_price_below_the_shelf_always_needs_approval() -> None:
    b = Basket("b", "01")
    line = b.add(BREAD, 1)
    b.override_price(line.line_id, 548)  # one grosz off is still a supervisor's decision
    assert [x.action for x in uncovered(b)] == ["price_override"]
    b.override_price(line.line_id, 600)  # dearer than the shelf: nothing taken off
    assert uncovered(b) == []


def test_a_percentage_rounded_to_the_grosz_stays_within_its_share() -> None:
    b = Basket("b", "01")
    b.add(BREAD, 1)
    b.add(Product("RYE", {"pl": "Chleb"}, 749, VatRate.C), 1)
    b.discount_basket(percent=10)  # 10 % of 12,98 zł rounds to 1,30 zł: still 10 %
    assert uncovered(b) == []
    half = Approval("boss", "line_discount", amount=549, base=1098)  # 50 % of two loaves
    assert half.covers(275, 549)  # 50 % of one loaf rounds 274,5 gr up: the same share
