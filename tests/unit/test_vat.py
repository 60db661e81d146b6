from hypothesis import given
from hypothesis import strategies as st

from edge.domain.money import Money
from edge.domain.vat import VatRate, breakdown, vat_of_gross


def test_polish_rates_and_letters() -> None:
    assert [(r.letter, r.percent) for r in VatRate] == [("A", 23), ("B", 8), ("C", 5), ("D", 0)]
    assert VatRate.parse("23%") is VatRate.A
    assert VatRate.parse("b") is VatRate.B


def test_vat_of_a_gross_price_rounds_half_up() -> None:
    # 1.23 PLN gross at 23 % = 1.00 net + 0.23 VAT exactly
    assert vat_of_gross(Money(123), VatRate.A) == Money(23)
    # 10.00 gross at 8 %: 1000*8/108 = 74.07 -> 74
    assert vat_of_gross(Money(1000), VatRate.B) == Money(74)
    # 0.21 gross at 5 %: 21*5/105 = 1.0 exactly
    assert vat_of_gross(Money(21), VatRate.C) == Money(1)
    # 0.53 gross at 8 %: 53*8/108 = 3.925... -> 4 (half up from .925)
    assert vat_of_gross(Money(53), VatRate.B) == Money(4)
    assert vat_of_gross(Money(999), VatRate.D) == Money(0)


def test_vat_is_computed_on_the_rate_total_not_per_line() -> None:
    # Three lines of 0.05 at 23 %: per line 0.0093 -> 0.01 each = 0.03; on the total 0.15:
    # 15*23/123 = 2.80 -> 0.03. Pick a case where they differ: 3 x 0.02 -> per line 0.00 each,
    # on the total 0.06: 6*23/123 = 1.12 -> 0.01.
    lines = breakdown([(VatRate.A, Money(2))] * 3, "PLN")
    assert len(lines) == 1
    assert lines[0].gross == Money(6) and lines[0].vat == Money(1)


def test_breakdown_is_one_line_per_rate_in_receipt_order() -> None:
    items = [
        (VatRate.D, Money(100)),
        (VatRate.A, Money(246)),
        (VatRate.B, Money(108)),
        (VatRate.A, Money(123)),
    ]
    lines = breakdown(items, "PLN")
    assert [ln.rate for ln in lines] == [VatRate.A, VatRate.B, VatRate.D]
    assert lines[0].gross == Money(369) and lines[0].vat == Money(69)
    assert lines[1].vat == Money(8) and lines[2].vat == Money(0)


@given(st.lists(st.tuples(st.sampled_from(list(VatRate)), st.integers(0, 10_000_000)), max_size=40))
def test_breakdown_sums_to_the_total(items: list[tuple[VatRate, int]]) -> None:
    lines = breakdown(((r, Money(a)) for r, a in items), "PLN")
    assert sum(ln.gross.amount for ln in lines) == sum(a for _, a in items)
    for ln in lines:
        assert ln.net.amount + ln.vat.amount == ln.gross.amount
        assert 0 <= ln.vat.amount <= ln.gross.amount
