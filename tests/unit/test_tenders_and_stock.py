import pytest
from hypothesis import given
from hypothesis import strategies as st

from edge.domain.errors import TenderMismatch
from edge.domain.stock import Level, Movement, MovementKind, level_from
from edge.domain.tenders import Tender, settle


def test_cash_gives_change() -> None:
    s = settle(1234, [Tender("cash", 2000)])
    assert s.change == 766 and s.cash_kept == 1234


def test_card_with_terminal_reference_and_mixed() -> None:
    s = settle(1000, [Tender("card", 600, "AUTH-1"), Tender("cash", 500)])
    assert s.change == 100 and s.tenders[0].reference == "AUTH-1"


@pytest.mark.parametrize(
    "tenders",
    [[Tender("cash", 999)], [Tender("card", 1001)], [Tender("cash", 0)], [Tender("card", -5)]],
)
def test_bad_tenders(tenders: list[Tender]) -> None:
    with pytest.raises(TenderMismatch):
        settle(1000, tenders)


def test_sale_below_zero_is_allowed_and_flagged() -> None:
    level = Level("X").apply(Movement("X", MovementKind.SALE, 2))
    assert level.on_hand == -2 and level.negative


def test_reservation_and_pickup() -> None:
    level = level_from(
        "X",
        [
            Movement("X", MovementKind.RECEIPT, 10),
            Movement("X", MovementKind.RESERVATION, 3),
            Movement("X", MovementKind.PICKUP, 2),
            Movement("X", MovementKind.RELEASE, 1),
        ],
    )
    assert (level.on_hand, level.reserved, level.available) == (8, 0, 8)


movements = st.lists(
    st.builds(
        Movement,
        sku=st.sampled_from(["A", "B"]),
        kind=st.sampled_from(list(MovementKind)),
        qty=st.integers(-50, 50),
    ),
    max_size=60,
)


@given(movements)
def test_levels_equal_the_sum_of_movements(ms: list[Movement]) -> None:
    for sku in ("A", "B"):
        level = level_from(sku, ms)
        own = [m for m in ms if m.sku == sku]
        assert level.on_hand == sum(m.deltas()[0] for m in own)
        assert level.reserved == sum(m.deltas()[1] for m in own)
        assert level.available == level.on_hand - level.reserved
