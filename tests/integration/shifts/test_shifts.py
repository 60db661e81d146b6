"""Issue 18: shifts at a register on a real node database. A float opens the shift, cash in and
out and sales and refunds move the drawer, a blind count closes it with the difference kept;
X and Z summarise per payment type and VAT rate; the fiscal daily report can hook the close."""

from __future__ import annotations

import pytest

from edge.domain.errors import Conflict
from edge.domain.returns import Requested
from edge.domain.shifts import Shift
from edge.domain.staff import Role
from edge.domain.tenders import Tender
from edge.services import baskets, cash, checkout, returns, shifts
from edge.services.auth import Actor
from edge.services.context import Context

CASHIER = Actor("cashier", Role.CASHIER, "01")
SUPERVISOR = ("supervisor", "4321")


def _sale(ctx: Context, tenders: list[Tender]) -> str:
    view = baskets.create_basket(ctx, CASHIER)
    baskets.add_line(ctx, view.basket.id, code="5901230000011", qty=2)  # 2 × 5,49 at VAT rate C
    return checkout.checkout(ctx, CASHIER, view.basket.id, tenders).sale.receipt_no


def test_a_shift_closes_with_a_blind_count_and_its_difference_recorded(ctx: Context) -> None:
    closed: list[Shift] = []
    ctx.hooks.on_shift_close.append(lambda c, shift: closed.append(shift))
    shifts.open_shift(ctx, CASHIER, 20000)  # 200,00 float
    with pytest.raises(Conflict):
        shifts.open_shift(ctx, CASHIER, 100)  # one open shift per register
    receipt = _sale(ctx, [Tender("cash", 2000)])  # 10,98 paid with 20,00: 9,02 change
    _sale(ctx, [Tender("card", 1098, "AUTH-1")])
    cash.move_cash(ctx, CASHIER, "01", "in", 5000, "change coins")
    cash.move_cash(ctx, CASHIER, "01", "out", 1000, "bank", SUPERVISOR)
    returns.create_return(
        ctx, CASHIER, [Requested("BAK-001-11", 1, "changed_mind", "restock")], receipt_no=receipt
    )
    done = shifts.close_shift(ctx, CASHIER, 24500)
    # 200,00 + 10,98 cash kept − 5,49 paid back + 50,00 in − 10,00 out = 245,49 expected
    assert (done["expected"], done["counted"], done["difference"]) == (24549, 24500, -49)
    assert done["tenders"] == {"cash": 1098, "card": 1098}
    assert done["returns"] == 1 and done["refunded"] == 549
    assert [s.difference for s in closed] == [-49]
    with ctx.db.read() as conn:
        row = conn.execute("SELECT expected, counted, difference FROM shifts").fetchone()
    assert tuple(row) == (24549, 24500, -49)
    assert shifts.current_shift(ctx, "01") is None
    with pytest.raises(Conflict):
        shifts.close_shift(ctx, CASHIER, 0)


def test_x_and_z_summaries_per_payment_type_and_vat_rate(ctx: Context) -> None:
    _sale(ctx, [Tender("cash", 1098)])
    _sale(ctx, [Tender("card", 1098, "AUTH-2")])
    x = shifts.report(ctx, "x", "01", CASHIER)
    assert x["sales"] == 2 and x["total"] == 2196
    assert x["tenders"] == {"cash": 1098, "card": 1098}
    assert [(v["rate"], v["gross"]) for v in x["vat"]] == [("C", 2196)]
    assert isinstance(x["returns"], int)
    z = shifts.report(ctx, "z", "01", CASHIER, SUPERVISOR)
    assert z["number"] == 1 and z["total"] == 2196
    assert shifts.report(ctx, "x", "01", CASHIER)["sales"] == 0  # a new period after the Z
