"""Loyalty as a ledger (edge/domain/loyalty.py) and its earning rules as catalogue rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge import catalogue_files
from edge.domain import loyalty
from edge.domain.errors import Conflict, InvalidInput
from edge.domain.loyalty import EarningRule, Entry, Ledger, PaidLine, ReturnedLine
from edge.loyalty_files import rule_record, rules_from

NOW = datetime(2026, 11, 29, 12, tzinfo=UTC)

_entries = st.lists(
    st.builds(
        Entry,
        customer_id=st.just("C1"),
        kind=st.sampled_from(loyalty.ENTRY_KINDS),
        ref=st.text("abcdef0123", min_size=1, max_size=4),
        points=st.integers(-5000, 5000),
    ),
    max_size=30,
    unique_by=lambda e: e.key,
)


@given(_entries, st.data())
def test_any_order_and_any_duplication_of_entries_gives_the_same_balance(
    entries: list[Entry], data: st.DataObject
) -> None:
    resent = data.draw(st.lists(st.sampled_from(entries), max_size=40)) if entries else []
    stream = data.draw(st.permutations(entries + resent))
    ledger = Ledger()
    applied = [ledger.apply(e) for e in stream]
    assert ledger.balance == sum(e.points for e in entries)
    assert applied.count(True) == len(entries)  # each source counted exactly once
    assert ledger.overdraft == max(0, -ledger.balance)


def test_a_source_recorded_with_other_points_is_a_conflict_not_a_sum() -> None:
    ledger = Ledger([Entry("C1", "sale", "R-1", 40)])
    with pytest.raises(loyalty.LedgerConflict) as err:
        ledger.apply(Entry("C1", "sale", "R-1", 80))
    assert isinstance(err.value, Conflict)
    assert ledger.balance == 40
    # The same receipt number as a return is another source.
    assert ledger.apply(Entry("C1", "return", "R-1", -10))
    assert ledger.balance == 30


BASE = EarningRule("base", points_per_zl=1)
COFFEE_X3 = EarningRule("coffee-x3", multiplier=3, category="coffee")
SKU_X2 = EarningRule("milk-x2", multiplier=2, sku="MILK")


def test_points_per_zl_with_the_largest_matching_multiplier() -> None:
    lines = [
        PaidLine("BEANS", "coffee", 1, 2999),  # 29.99 zł → 29 × 3
        PaidLine("MILK", "coffee", 2, 798),  # sku ×2 and category ×3: the larger one
        PaidLine("BREAD", "bakery", 1, 450),
    ]
    assert loyalty.points_for(lines, [BASE, COFFEE_X3, SKU_X2], NOW) == [89, 23, 4]
    assert loyalty.points_for(lines, [COFFEE_X3], NOW) == [0, 0, 0]  # no base rule, no points


def test_a_rule_outside_its_dates_does_not_apply() -> None:
    later = EarningRule("x5", multiplier=5, sku="BREAD", starts=datetime(2027, 1, 1, tzinfo=UTC))
    assert loyalty.line_points(PaidLine("BREAD", "", 1, 1000), [BASE, later], NOW) == 10


@given(
    earned=st.integers(0, 10_000),
    sold=st.integers(1, 50),
    cuts=st.lists(st.integers(1, 50), max_size=10),
)
def test_any_split_of_a_return_takes_back_at_most_and_finally_exactly_what_was_earned(
    earned: int, sold: int, cuts: list[int]
) -> None:
    returned, back = 0, 0
    for qty in [*cuts, sold]:  # the last return brings back whatever is left (or more)
        back += loyalty.taken_back(earned, sold, returned, qty)
        returned = min(sold, returned + qty)
        assert 0 <= back <= earned
    assert back == earned


def test_a_return_entry_takes_back_each_returned_lines_share() -> None:
    entry = loyalty.return_entry(
        "C1", "RT-1", [ReturnedLine(earned=89, sold=1, returned_before=0, returning=1),
                       ReturnedLine(earned=23, sold=2, returned_before=0, returning=1)]
    )  # fmt: skip
    assert entry == Entry("C1", "return", "RT-1", -(89 + 11))


def test_offline_allowance_and_online_redemption() -> None:
    assert loyalty.OfflineAllowance(500, 300).allows(200)
    assert not loyalty.OfflineAllowance(500, 300).allows(201)
    loyalty.check_redemption(100, 100)
    with pytest.raises(Conflict):
        loyalty.check_redemption(101, 100)
    with pytest.raises(InvalidInput):
        loyalty.check_redemption(0, 100)


def test_card_numbers_are_ean13_under_the_prefix() -> None:
    assert loyalty.card_ok("2900000000018", "29")
    assert not loyalty.card_ok("2900000000015", "29")  # wrong check digit
    assert not loyalty.card_ok("5900000000015", "29")  # another prefix


def test_rule_rows_arrive_in_catalogue_files_beside_products_and_promotions() -> None:
    rows = [
        {"sku": "BEANS", "name_pl": "Kawa", "price": "29.99", "vat": "23", "category": "coffee"},
        {"type": "loyalty_rule", "id": "base", "points_per_zl": 1},
        {"type": "loyalty_rule", "id": "coffee-x3", "category": "coffee", "multiplier": 3},
        {"type": "loyalty_rule", "id": "old", "active": False},
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    contents = catalogue_files.read(data, "jsonl")
    assert [p.sku for p in contents.products] == ["BEANS"]
    assert [(r.id, r.rule) for r in contents.loyalty_rules] == [
        ("base", BASE), ("coffee-x3", COFFEE_X3), ("old", None)
    ]  # fmt: skip
    live = [r.rule for r in contents.loyalty_rules if r.rule]
    assert rules_from([rule_record(r) for r in live]) == live  # the wire shape round-trips

    csv = b"rule_id,points_per_zl,multiplier,sku\nbase,2,,\nmilk-x2,,2,MILK\n"
    assert [r.rule for r in catalogue_files.read(csv, "csv").loyalty_rules] == [
        EarningRule("base", points_per_zl=2), SKU_X2
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"id": "x", "sku": "A", "multiplier": 1}, "multiplier ≥ 2"),
        ({"id": "x", "sku": "A", "category": "c", "multiplier": 2}, "not both"),
        ({"id": "x"}, "points_per_zl ≥ 1"),
        ({"id": "x", "points_per_zl": 1, "sku": "A"}, "base rule"),
        ({"id": "x", "points_per_zl": -1}, "points_per_zl"),
    ],
)
def test_a_bad_rule_row_rejects_the_file_with_its_line(
    row: dict[str, object], message: str
) -> None:
    data = (json.dumps({"type": "loyalty_rule", **row}) + "\n").encode()
    with pytest.raises(InvalidInput, match=f"line 1: loyalty rule.*{message}"):
        catalogue_files.read(data, "jsonl")


def test_a_member_price_applies_only_to_a_member() -> None:
    from edge.domain import pricing
    from edge.domain.catalogue import Promotion

    member_price = Promotion("M-MILK", "MILK", "price", value=399, members_only=True)
    everyone = Promotion("P-MILK", "MILK", "percent", value=5)
    assert pricing.best("pcs", 449, 2, [member_price, everyone], NOW).total == 853
    assert pricing.best("pcs", 449, 2, [member_price, everyone], NOW, member=True).total == 798
    row = {"type": "promotion", "id": "M-MILK", "sku": "MILK", "kind": "price", "value": 399,
           "members_only": True}  # fmt: skip
    promo = catalogue_files.read((json.dumps(row) + "\n").encode(), "jsonl").promotions[0]
    assert promo.promotion == member_price
