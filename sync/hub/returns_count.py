"""A return counted against what it returns, the sale's or the order's lines (what the
over-return check compares): when it arrives, or — a return at one store of a sale made at
another, whose own events are still on their way — when that sale arrives. Streams of
different stores carry no order between them, so a return may reach the hub first."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from sync.hub import loyalty_apply
from sync.hub.store import orders as orders_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store.port import Tx

log = logging.getLogger(__name__)
Before = dict[str, tuple[int, int]]  # sku -> (sold, returned before this return)


def count(tx: Tx, kind: str, ref: str | None, lines: Sequence[dict[str, Any]]) -> tuple[
        list[str], Before]:  # fmt: skip
    """Adds the return's quantities to the original's lines; returns why it is an over-return
    (nothing when it is not) and what was sold and returned before it, by SKU."""
    reasons: list[str] = []
    before: Before = {}
    for ln in lines:
        sku, qty = str(ln["sku"]), int(ln["qty"])
        if kind == "sale" and ref:
            sold, returned = sales_repo.sold_and_returned(tx, ref, sku)
            before.setdefault(sku, (sold, returned))
            sales_repo.spread_return(tx, ref, sku, qty)
        elif kind == "order" and ref:
            sold, returned = orders_repo.ordered_and_returned(tx, ref, sku)
            before.setdefault(sku, (sold, returned))
            orders_repo.add_returned(tx, ref, sku, qty)
        else:
            continue
        if returned + qty > sold:
            reasons.append(f"{sku}: returned {returned + qty} of {sold} sold")
    return reasons, before


def _body(row: Any) -> dict[str, Any]:
    body = row["body"]
    return json.loads(body) if isinstance(body, str) else dict(body)  # jsonb arrives parsed


def count_early(tx: Tx, receipt_nos: Sequence[str]) -> None:
    """Sales just written: the returns of them that came first are counted now (each sale is
    written once, so any return of it on record came before it)."""
    for row in sales_repo.returns_of_sales(tx, receipt_nos):
        reasons, _ = count(tx, "sale", row["original_ref"], _body(row)["lines"])
        sales_repo.flag_return(tx, row["return_id"], reasons)
        if reasons:
            log.warning("over-return %s at %s, counted when its sale came: %s",
                        row["return_id"], row["store_id"], "; ".join(reasons))  # fmt: skip


def reverse_points_of_early_returns(tx: Tx, receipt_no: str) -> None:
    """The sale's points just recorded: returns of it that came first take theirs back now, in
    the order they were made (what each found returned before it)."""
    rows = sales_repo.returns_of_sales(tx, [receipt_no])
    if not rows:
        return
    returned: dict[str, int] = {}
    for row in rows:
        body = _body(row)
        before: Before = {}
        for ln in body["lines"]:
            sku = str(ln["sku"])
            sold, _ = sales_repo.sold_and_returned(tx, receipt_no, sku)
            before.setdefault(sku, (sold, returned.get(sku, 0)))
        for ln in body["lines"]:
            returned[str(ln["sku"])] = returned.get(str(ln["sku"]), 0) + int(ln["qty"])
        loyalty_apply.returned(tx, row["store_id"], body, row["at"], before)
