from __future__ import annotations

import pytest

from edge.domain import returns
from edge.domain.errors import Conflict, InvalidInput
from edge.domain.returns import Limits, Original, OverReturn, Requested, SoldLine
from edge.domain.stock import MovementKind
from edge.domain.tenders import Tender

REASONS = ["changed_mind", "defective"]


def sale(*lines: SoldLine, tenders: tuple[Tender, ...] = (), kind: str = "sale") -> Original:
    return Original(kind, "R-1", "S001", "PLN", lines, tenders)  # type: ignore[arg-type]


def test_refund_is_the_price_paid_and_adds_up_over_partial_returns() -> None:
    line = SoldLine("A", 3, 1000)  # 3 for 10.00 after a discount
    first = line.refund_for(1)
    second = SoldLine("A", 3, 1000, returned=1).refund_for(1)
    third = SoldLine("A", 3, 1000, returned=2).refund_for(1)
    assert (first, second, third) == (333, 334, 333)
    assert first + second + third == 1000


def test_cannot_return_more_than_sold_minus_returned() -> None:
    original = sale(SoldLine("A", 2, 1000, returned=1), SoldLine("B", 1, 500))
    with pytest.raises(OverReturn) as err:
        returns.plan(
            original,
            [Requested("A", 2, "defective", "restock"), Requested("B", 1, "defective", "restock")],
            REASONS,
        )
    assert isinstance(err.value, Conflict)
    assert err.value.extra["lines"] == [{"sku": "A", "asked": 2, "returnable": 1}]
    ok = returns.plan(original, [Requested("A", 1, "defective", "restock")], REASONS)
    assert [(ln.sku, ln.qty, ln.refund) for ln in ok] == [("A", 1, 500)]


@pytest.mark.parametrize(
    "req",
    [
        Requested("A", 1, "bored", "restock"),
        Requested("A", 1, "defective", "bin"),
        Requested("A", 0, "defective", "restock"),
        Requested("Z", 1, "defective", "restock"),
    ],
)
def test_bad_lines_are_rejected(req: Requested) -> None:
    with pytest.raises(InvalidInput):
        returns.plan(sale(SoldLine("A", 2, 1000)), [req], REASONS)


def test_disposition_drives_the_stock_movements() -> None:
    lines = returns.plan(
        sale(SoldLine("A", 5, 500), SoldLine("B", 5, 500), SoldLine("C", 5, 500)),
        [
            Requested("A", 2, "changed_mind", "restock"),
            Requested("B", 1, "defective", "damaged"),
            Requested("C", 1, "defective", "inspection"),
        ],
        REASONS,
    )
    moves = [(m.sku, m.kind, m.qty) for m in returns.movements(lines)]
    assert moves == [
        ("A", MovementKind.RETURN, 2),
        ("B", MovementKind.RETURN, 1),
        ("B", MovementKind.WRITE_OFF, 1),
    ]


def test_refund_goes_back_to_the_card_first_then_cash() -> None:
    original = sale(
        SoldLine("A", 1, 3000), tenders=(Tender("card", 2000, "T-9"), Tender("cash", 1000))
    )
    assert returns.refund_tenders(2500, original) == [
        Tender("card", 2000, "T-9"),
        Tender("cash", 500),
    ]
    assert returns.refund_tenders(800, original, card_refunded_before=2000) == [Tender("cash", 800)]
    assert returns.refund_tenders(100, original, card_reference="NEW") == [
        Tender("card", 100, "NEW")
    ]


def test_online_orders_are_refunded_online() -> None:
    original = sale(SoldLine("A", 1, 3000), tenders=(Tender("online", 3000, "O-1"),), kind="order")  # type: ignore[arg-type]
    assert returns.refund_tenders(3000, original) == [Tender("online", 3000, "O-1")]  # type: ignore[arg-type]


def test_when_a_supervisor_must_approve() -> None:
    limits = Limits(approval_above=10_000, offline_online_limit=5_000)
    assert returns.approval_reasons(sale(), 10_000, limits) == []
    assert returns.approval_reasons(sale(), 10_001, limits)
    assert returns.approval_reasons(Original("none", None, None, "PLN", ()), 1, limits)
    offline_order = Original("order", "O-1", "S002", "PLN", (), offline=True)
    assert returns.approval_reasons(offline_order, 5_000, limits) == []
    assert returns.approval_reasons(offline_order, 5_001, limits)


def test_sold_lines_merge_a_sku_listed_twice() -> None:
    assert returns.sold_lines([("A", 1, 100, 0), ("A", 2, 150, 1)]) == (SoldLine("A", 3, 250, 1),)


@pytest.mark.parametrize("module", ["pickups", "returns"])
def test_domain_modules_import_nothing_but_the_stdlib_and_the_domain(module: str) -> None:
    import ast
    import sys
    from pathlib import Path

    import edge.domain

    path = Path(edge.domain.__file__).parent / f"{module}.py"
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            assert name.startswith("edge.domain") or top in sys.stdlib_module_names, name


def test_approval_counts_everything_refunded_against_the_purchase() -> None:
    limits = Limits(approval_above=10_000, offline_online_limit=5_000)
    # 3 for 150 zł, two already back (100 zł refunded): the third is 150 zł in all.
    original = sale(SoldLine("A", 3, 15_000, returned=2))
    assert original.refunded == 10_000
    assert returns.approval_reasons(original, 5_000, limits)
    assert returns.approval_reasons(sale(SoldLine("A", 3, 15_000)), 5_000, limits) == []


def test_a_purchase_past_the_window_needs_approval() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 23, tzinfo=UTC)
    limits = Limits(approval_above=10_000, offline_online_limit=5_000, window_days=30)
    bought = replace(sale(SoldLine("A", 1, 100)), at=now - timedelta(days=30))
    assert returns.approval_reasons(bought, 100, limits, now) == []
    late = replace(bought, at=now - timedelta(days=31))
    assert returns.approval_reasons(late, 100, limits, now) == ["a purchase older than 30 days"]
    assert returns.approval_reasons(late, 100, replace(limits, window_days=0), now) == []


@pytest.mark.parametrize("state", [None, "ordered", "cancelled"])
def test_an_order_qr_proves_nothing_before_it_is_paid_or_collected(state: str | None) -> None:
    with pytest.raises(InvalidInput):
        returns.check_proof({"kind": "order", "state": state})
    returns.check_proof({"kind": "order", "state": "paid"})
    returns.check_proof({"kind": "order", "state": "collected"})
    returns.check_proof({"kind": "sale"})
