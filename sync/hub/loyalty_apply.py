"""Loyalty events at the hub, applied with the rest of a store's stream (sync/hub/apply.py):
each becomes one ledger entry keyed by its source, so a sale resent under a new sequence
number, a duplicated batch or a replayed backup never earns twice.

- `loyalty.earned` (written by the till in the sale's own transaction): the sale's points, per
  line; the sale is linked to the customer for their history.
- a return of such a sale (`return.completed`, at any store) takes back the points of what is
  returned, in proportion (edge/domain/loyalty.py).
- `loyalty.redeemed`: points spent (online: authorised by the hub before; offline: within the
  store's daily limit). Never refused here: the past is recorded, an overdraft flagged.
- `loyalty.released`: a redemption authorised online whose basket was then cancelled: its
  points come back, once."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from edge.domain import loyalty, pricing
from edge.domain.loyalty import Entry, PaidLine, ReturnedLine
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import customers as customers_repo
from sync.hub.store import loyalty as loyalty_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store.port import Tx, utc_iso

log = logging.getLogger(__name__)


def _customer(tx: Tx, d: dict[str, Any], what: str) -> str | None:
    """The event's customer: named by the till, or the holder of the card it names (a card
    sold to offline, for a customer the store had not seen). None: nobody holds it (logged)."""
    if d.get("customer_id"):
        return str(d["customer_id"])
    holder = customers_repo.find(tx, card=str(d["card"]))
    if holder is None or holder["erased_at"] is not None:
        log.warning("%s: no customer holds card %s", what, d["card"])
        return None
    return str(holder["customer_id"])


def earned(tx: Tx, store_id: str, d: dict[str, Any], at: str) -> None:
    """The sale's points, once per receipt; the sale shows in the customer's history."""
    receipt_no = str(d["receipt_no"])
    customer_id = _customer(tx, d, f"sale {receipt_no}")
    if customer_id is None:
        return
    lines: list[dict[str, Any]] = [
        {"sku": str(ln["sku"]), "qty": int(ln["qty"]), "points": int(ln["points"])}
        for ln in d.get("lines") or []
    ]
    points = sum(int(ln["points"]) for ln in lines)
    entry = Entry(customer_id, "sale", receipt_no, points)
    at = utc_iso(d.get("at", at))
    if not loyalty_repo.add_entry(
        tx, entry, at=at, store_id=store_id, offline=bool(d.get("offline")), lines=lines
    ):
        log.info("sale %s already earned its points", receipt_no)
    customers_repo.link_sale(tx, receipt_no, customer_id)
    customers_repo.seen_at(tx, customer_id, store_id)


def order_collected(tx: Tx, store_id: str, order_id: str, at: str) -> None:
    """A member's online order earns when collected, by the hub's rules, on what the collected
    pieces cost as the order was priced (edge/domain/pricing.py); once per order."""
    found = orders_repo.get(tx, order_id)
    if found is None or not found[0]["customer_id"]:
        return
    order, lines = found
    paid = []
    for ln in map(orders_repo.line_dict, lines):
        qty = int(ln["collected"]) or int(ln["qty"])
        promo = pricing.from_terms(ln["sku"], ln["promotion"])
        product = catalogue_repo.get(tx, ln["sku"])
        amount = pricing.under(ln["unit"], int(ln["unit_price"]), qty, promo).total
        paid.append(PaidLine(ln["sku"], product.category if product else "", qty, amount))
    points = loyalty.points_for(paid, loyalty_repo.all_rules(tx), datetime.fromisoformat(at))
    entry = Entry(str(order["customer_id"]), "order", order_id, sum(points))
    kept = [{"sku": p.sku, "qty": p.qty, "points": n} for p, n in zip(paid, points, strict=True)]
    loyalty_repo.add_entry(tx, entry, at=at, store_id=store_id, lines=kept)


def returned(
    tx: Tx, store_id: str, d: dict[str, Any], at: str, before: dict[str, tuple[int, int]]
) -> None:
    """`before`: (sold, returned before this return) of each returned SKU of the sale or
    order."""
    original = d.get("original") or {}
    if original.get("kind") not in ("sale", "order") or not original.get("ref"):
        return
    sale = loyalty_repo.entry(tx, str(original["kind"]), str(original["ref"]))
    if sale is None:
        return  # not a member's purchase (or its points are not known yet)
    earned_by_sku: dict[str, int] = {}
    for ln in json.loads(sale["lines"] or "[]"):
        earned_by_sku[ln["sku"]] = earned_by_sku.get(ln["sku"], 0) + int(ln["points"])
    lines = [
        ReturnedLine(earned_by_sku.get(sku, 0), sold, back, int(ln["qty"]))
        for ln in d["lines"]
        for sku in [str(ln["sku"])]
        for sold, back in [before.get(sku, (0, 0))]
    ]
    customer_id = str(sale["customer_id"])
    return_id = str(d["return_id"])
    entry = loyalty.return_entry(customer_id, return_id, lines)
    loyalty_repo.add_entry(tx, entry, at=utc_iso(d.get("at", at)), store_id=store_id)
    customers_repo.link_return(tx, return_id, customer_id)


def redeemed(tx: Tx, store_id: str, d: dict[str, Any], at: str) -> None:
    """A redemption paid at a till: already recorded when the hub authorised it online; an
    offline one is recorded now and, if it overdrew the balance, flagged (never refused)."""
    redemption_id, points = str(d["redemption_id"]), int(d["points"])
    customer_id = _customer(tx, d, f"redemption {redemption_id}")
    if customer_id is None:
        return
    entry = Entry(customer_id, "redemption", redemption_id, -points)
    if not loyalty_repo.add_entry(
        tx, entry, at=utc_iso(d.get("at", at)), store_id=store_id, offline=bool(d.get("offline"))
    ):
        return
    customers_repo.seen_at(tx, entry.customer_id, store_id)
    overdraft = max(0, -loyalty_repo.balance(tx, entry.customer_id))
    if overdraft:
        loyalty_repo.flag_overdraft(tx, "redemption", redemption_id, overdraft)
        log.warning(
            "offline redemption %s at %s overdrew %s by %d points",
            redemption_id, store_id, entry.customer_id, overdraft,
        )  # fmt: skip


def released(tx: Tx, store_id: str, d: dict[str, Any], at: str) -> None:
    """Gives back what an online redemption spent, once (keyed by the redemption's id), and
    only to the store that spent it; the points are the hub's record, never the event's."""
    redemption_id = str(d["redemption_id"])
    spent = loyalty_repo.entry(tx, "redemption", redemption_id)
    if spent is None or spent["store_id"] != store_id:
        log.warning("store %s released redemption %s, which it did not make here",
                    store_id, redemption_id)  # fmt: skip
        return
    back = Entry(str(spent["customer_id"]), "release", redemption_id, -int(spent["points"]))
    if not loyalty_repo.add_entry(tx, back, at=utc_iso(d.get("at", at)), store_id=store_id):
        log.info("redemption %s was already given back", redemption_id)
