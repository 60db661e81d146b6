from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from edge.domain import pickups
from edge.domain.catalogue import Promotion
from edge.domain.errors import AccountLocked, Conflict, InvalidInput
from edge.domain.pickups import Order, OrderLine
from edge.domain.stock import Level, MovementKind

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def order(status: str = "ready", lines: tuple[OrderLine, ...] | None = None) -> Order:
    return Order(
        order_id="O-1",
        store_id="S001",
        status=status,
        lines=lines or (OrderLine("A", 2, 500, reserved=2), OrderLine("B", 1, 300, reserved=1)),
        currency="PLN",
        customer={"name": "Ala"},
        prepaid=True,
        pickup_code_hash="scrypt$x",
        created_at=NOW,
        expires_at=NOW + timedelta(days=7),
    )


def test_reserves_what_is_available_and_reports_the_rest_short() -> None:
    levels = {"A": Level("A", 5, 4), "B": Level("B", 10, 0), "C": Level("C", 0, 0)}
    wanted = [("A", 3, 100), ("B", 2, 200), ("C", 1, 300), ("X", 1, 1)]
    lines, moves = pickups.reserve(
        [OrderLine(s, q, p) for s, q, p in wanted], levels, {"A", "B", "C"}
    )
    assert [(ln.sku, ln.reserved, ln.short) for ln in lines] == [
        ("A", 1, 2),
        ("B", 2, 0),
        ("C", 0, 1),
        ("X", 0, 1),
    ]
    assert [(m.sku, m.kind, m.qty) for m in moves] == [
        ("A", MovementKind.RESERVATION, 1),
        ("B", MovementKind.RESERVATION, 2),
    ]


def test_two_lines_of_one_sku_share_the_available_stock() -> None:
    two = [OrderLine("A", 2, 1), OrderLine("A", 2, 1)]
    lines, _ = pickups.reserve(two, {"A": Level("A", 3, 0)}, {"A"})
    assert [ln.reserved for ln in lines] == [2, 1]


def test_lifecycle_steps_and_forbidden_jumps() -> None:
    o = pickups.move(order("received"), "picking")
    o = pickups.move(o, "ready", " R-3 ")
    assert (o.status, o.shelf) == ("ready", "R-3")
    with pytest.raises(InvalidInput):
        pickups.move(order("received"), "ready", "")
    with pytest.raises(Conflict):
        pickups.move(order("collected"), "picking")


def test_full_collection_hands_over_every_reserved_item() -> None:
    o, handed, released = pickups.collection(order(), None)
    assert o.status == "collected"
    assert [(m.sku, m.kind, m.qty) for m in handed] == [
        ("A", MovementKind.PICKUP, 2),
        ("B", MovementKind.PICKUP, 1),
    ]
    assert released == []


def test_partial_collection_releases_the_declined_rest() -> None:
    o, handed, released = pickups.collection(order(), {"A": 1})
    assert o.status == "partially_collected"
    assert [(m.sku, m.qty) for m in handed] == [("A", 1)]
    assert sorted((m.sku, m.kind, m.qty) for m in released) == [
        ("A", MovementKind.RELEASE, 1),
        ("B", MovementKind.RELEASE, 1),
    ]
    assert [ln.collected for ln in o.lines] == [1, 0]


def test_declining_everything_is_a_refusal() -> None:
    o, handed, released = pickups.collection(order(), {})
    assert o.status == "refused" and handed == [] and len(released) == 2


def test_cannot_hand_over_more_than_reserved_or_an_unknown_line() -> None:
    with pytest.raises(InvalidInput):
        pickups.collection(order(), {"A": 3})
    with pytest.raises(InvalidInput):
        pickups.collection(order(), {"Z": 1})


def test_a_short_order_collected_whole_is_partial() -> None:
    o, _, _ = pickups.collection(order(lines=(OrderLine("A", 3, 1, reserved=2, short=1),)), None)
    assert o.status == "partially_collected"


def test_fifth_wrong_code_locks_the_order() -> None:
    o = order()
    for _ in range(4):
        o = pickups.after_wrong_code(o)
        assert not o.locked
    o = pickups.after_wrong_code(o)
    assert o.locked
    with pytest.raises(AccountLocked):
        pickups.ensure_collectable(o)


def test_only_a_ready_order_is_collectable() -> None:
    with pytest.raises(Conflict):
        pickups.ensure_collectable(order("picking"))


def test_expiry_releases_what_was_not_handed_over() -> None:
    o = order("ready")
    assert not pickups.expired(o, NOW)
    assert pickups.expired(o, NOW + timedelta(days=8))
    done, moves = pickups.release_all(o, "expired")
    assert done.status == "expired"
    assert sorted((m.sku, m.qty) for m in moves) == [("A", 2), ("B", 1)]
    with pytest.raises(Conflict):
        pickups.release_all(done, "cancelled")


def test_status_event_carries_lines_and_stock() -> None:
    o = replace(order(), shelf="R1")
    ev = pickups.status_event(o, [Level("A", 3, 2)])
    assert ev.type == "order.status"
    assert ev.data["status"] == "ready" and ev.data["shelf"] == "R1"
    assert ev.data["lines"][0] == {"sku": "A", "qty": 2, "reserved": 2, "collected": 0, "short": 0}
    assert ev.data["stock"] == [{"sku": "A", "on_hand": 3, "reserved": 2}]


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [{"sku": "A"}],
        [{"sku": "A", "qty": 0}],
        [{"sku": "", "qty": 1}],
        "x",
        [{"sku": "A", "qty": 1, "unit_price": -1}],
        [{"sku": "A", "qty": True}],
        [{"sku": "A", "qty": 100}],  # over the line cap every channel shares
        [{"sku": "A", "qty": 25_001, "unit": "kg"}],
        [{"sku": "A", "qty": 1, "unit": "litre"}],
        [{"sku": "A", "qty": 1, "promotion": {"id": "P", "kind": "gift"}}],
    ],
)
def test_bad_command_lines_are_rejected(lines: object) -> None:
    with pytest.raises(InvalidInput):
        pickups.check_lines(lines, {})


def test_an_order_line_is_priced_on_its_terms_whatever_part_of_it() -> None:
    three_for_two = Promotion("P", "W", "multibuy", buy=3, pay=2)
    water = OrderLine("W", 3, 199, reserved=3, promotion=three_for_two)
    assert water.amount(3) == 398 and water.amount(2) == 398 and water.amount(1) == 199
    ham = OrderLine("H", 500, 2999, reserved=500, unit="kg")  # grams at a price per kg
    assert ham.amount(500) == 1500
    [line] = pickups.check_lines(
        [{"sku": "H", "qty": 500, "unit_price": 2999}], {"H": "kg"}
    )  # the unit the store knows when the command has none
    assert line.unit == "kg" and line.amount(500) == 1500
