"""A node in its own process sells against the Posnet emulator over real TCP: every sale ends
as exactly one fiscal receipt whose lines, totals and VAT sums are the sale's, or is refused
before anything is written, or waits (pending) and blocks the next sale until settled."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devices.fiscal import posnet_commands as cmd
from devices.fiscal.emulator import Refused
from devices.fiscal.emulator_faults import Faults
from tests.integration.fiscal.helpers import Fixture, hold
from tests.waiting import wait_until

TENDER_KIND = {"cash": "cash", "card": "card"}


@pytest.fixture
def fx(tmp_path: Path) -> Iterator[Fixture]:
    f = Fixture(tmp_path)
    yield f
    f.close()


def assert_receipt_is_the_sale(doc: dict[str, Any], sale: dict[str, Any]) -> None:
    assert doc["total"] == sale["total"]
    assert len(doc["lines"]) == len(sale["lines"])
    for dev, line in zip(doc["lines"], sale["lines"], strict=True):
        assert dev["value"] - dev["discount"] == line["total"]
        assert dev["vat"] == line["vat"]
    assert {k: (v["gross"], v["vat"]) for k, v in doc["vat"].items()} == {
        v["rate"]: (v["gross"], v["vat"]) for v in sale["vat"]
    }
    assert [(p["kind"], p["amount"]) for p in doc["payments"]] == [
        (TENDER_KIND[t["type"]], t["amount"]) for t in sale["tenders"]
    ]
    assert doc["change"] == sale["change"]


def test_cash_and_card_sales_with_every_rate_discounts_and_weighed_goods(fx: Fixture) -> None:
    products = fx.products()
    assert {"A", "B", "C", "D", "kg"} <= set(products)
    skus = [products[k]["sku"] for k in "ABCD"]

    cash = fx.basket(skus, weighed=products["kg"]["code"], grams=1234)
    line_id = fx.http.get(f"/baskets/{cash}").json()["lines"][0]["line_id"]
    fx.http.post(
        f"/baskets/{cash}/lines/{line_id}/discount", json={"percent": 10}
    ).raise_for_status()
    r = fx.checkout(cash, "cash", extra=1000)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["fiscal"] == {"status": "registered", "number": 1}

    card = fx.basket(skus[::-1], weighed=products["kg"]["code"], grams=777)
    fx.http.post(f"/baskets/{card}/discount", json={"percent": 5}).raise_for_status()
    r = fx.checkout(card, "card")
    assert r.status_code == 201, r.text
    second = r.json()
    assert second["fiscal"] == {"status": "registered", "number": 2}
    assert second["discount"] > 0 and first["discount"] > 0

    docs = fx.receipts()
    assert [d["number"] for d in docs] == [1, 2]
    assert_receipt_is_the_sale(docs[0], first)
    assert_receipt_is_the_sale(docs[1], second)
    assert [(e["receipt_no"], e["number"]) for e in fx.fiscalised_events()] == [
        (first["receipt_no"], 1), (second["receipt_no"], 2)
    ]  # fmt: skip


@pytest.mark.parametrize("fault", ["paper-out", "busy", "bad-crc"])
def test_a_device_that_cannot_register_refuses_the_sale_and_keeps_the_basket(
    fx: Fixture, fault: str
) -> None:
    sku = fx.products()["A"]["sku"]
    bid = fx.basket([sku])
    fx.emulator.faults = Faults.parse(fault)
    r = fx.checkout(bid)
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "fiscal-device-unavailable"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert fx.http.get(f"/baskets/{bid}").json()["status"] == "open"
    assert fx.receipts() == []
    fx.emulator.faults = Faults()
    r = fx.checkout(bid)
    assert r.status_code == 201 and r.json()["fiscal"]["status"] == "registered"
    assert len(fx.receipts()) == 1


def test_silence_mid_receipt_suspends_the_sale_and_blocks_the_next(fx: Fixture) -> None:
    products = fx.products()
    fx.emulator.faults = Faults.parse("no-answer-after-lines=1")
    r = fx.checkout(fx.basket([products["A"]["sku"], products["B"]["sku"]]))
    assert r.status_code == 201, r.text  # the sale is on disk: it may not be lost
    sale = r.json()
    assert sale["fiscal"]["status"] == "pending" and sale["fiscal"]["number"] is None
    nxt = fx.basket([products["C"]["sku"]])
    r = fx.checkout(nxt)
    assert r.status_code == 409 and r.json()["code"] == "fiscal-receipt-pending"
    assert sale["receipt_no"] in r.json()["detail"]
    assert fx.http.get(f"/baskets/{nxt}").json()["status"] == "open"

    fx.emulator.faults = Faults()  # the cable is back: the open receipt is cancelled, redone
    r = fx.checkout(nxt)
    assert r.status_code == 201 and r.json()["fiscal"] == {"status": "registered", "number": 2}
    docs = fx.receipts()
    assert [d["number"] for d in docs] == [1, 2]
    assert docs[0]["total"] == sale["total"]
    assert fx.job(sale["receipt_no"])["number"] == 1


def test_an_answer_lost_after_the_device_printed_is_not_printed_again(fx: Fixture) -> None:
    fx.emulator.faults.lose_close_answer = True
    r = fx.checkout(fx.basket([fx.products()["A"]["sku"]]))
    assert r.status_code == 201 and r.json()["fiscal"]["status"] == "pending"
    sale = r.json()
    assert len(fx.receipts()) == 1  # printed, the answer lost
    fx.emulator.faults = Faults()
    assert fx.http.post("/fiscal/resolve").json() == {"pending": []}
    assert len(fx.receipts()) == 1
    assert fx.job(sale["receipt_no"])["number"] == 1
    assert fx.http.get("/fiscal").json()["device"]["pending"] == 0


def _checkout_in_background(fx: Fixture, bid: str) -> threading.Thread:
    def run() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the node is killed under it
            fx.checkout(bid)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_sigkill_between_commit_and_registration_ends_with_one_receipt(fx: Fixture) -> None:
    bid = fx.basket([fx.products()["B"]["sku"]])
    total = fx.total(bid)
    # The sale is committed; the node opens the receipt and never gets the answer.
    reached, release = hold(fx.emulator, b"trinit", after=False)
    _checkout_in_background(fx, bid)
    wait_until(reached.is_set, what="the node to open the receipt after its commit")
    with fx.db() as conn:
        [job] = conn.execute("SELECT receipt_no, state, before FROM fiscal_jobs").fetchall()
    assert (job["state"], job["before"]) == ("sending", 0)  # `before` on disk before sending
    fx.node.kill()
    release.set()
    fx.start()  # recovery at start registers the sale
    wait_until(lambda: fx.job(job["receipt_no"])["state"] == "done", what="the sale registered")
    [doc] = fx.receipts()
    assert doc["total"] == total


def test_sigkill_after_the_device_printed_ends_with_one_receipt(fx: Fixture) -> None:
    bid = fx.basket([fx.products()["C"]["sku"], fx.products()["D"]["sku"]])
    total = fx.total(bid)
    reached, release = hold(fx.emulator, b"trend", after=True)
    _checkout_in_background(fx, bid)
    wait_until(reached.is_set, what="the device to print the receipt")
    fx.node.kill()
    release.set()
    assert len(fx.receipts()) == 1
    fx.start()
    with fx.db() as conn:
        [job] = conn.execute("SELECT receipt_no FROM fiscal_jobs").fetchall()
    wait_until(lambda: fx.job(job["receipt_no"])["state"] == "done", what="the sale settled")
    assert fx.job(job["receipt_no"])["number"] == 1
    [doc] = fx.receipts()
    assert doc["total"] == total
    # And the till sells on.
    r = fx.checkout(fx.basket([fx.products()["A"]["sku"]]))
    assert r.status_code == 201 and r.json()["fiscal"]["number"] == 2


def test_a_refused_receipt_whose_cancel_took_a_number_is_registered_again(fx: Fixture) -> None:
    """A device may give the receipt it cancels a number: the last receipt's number alone would
    then say "registered" for a sale with no receipt. The receipts' totalizers did not grow, so
    the sale is registered again — exactly once."""
    emu = fx.emulator
    cancel, line = emu._prncancel, emu._trline
    refused: list[str] = []

    def numbering_cancel(p: dict[str, str]) -> list[tuple[str, str]]:
        if emu.receipt is not None:
            emu.number += 1
        return cancel(p)

    def refuse_first_line(p: dict[str, str]) -> list[tuple[str, str]]:
        if not refused:
            refused.append(p["na"])
            raise Refused(cmd.ERR_PAR)
        return line(p)

    emu._prncancel, emu._trline = numbering_cancel, refuse_first_line  # type: ignore[method-assign]
    r = fx.checkout(fx.basket([fx.products()["A"]["sku"]]))
    assert r.status_code == 201 and r.json()["fiscal"]["status"] == "pending", r.text
    sale = r.json()
    assert refused and fx.receipts() == [] and emu.number == 1  # cancelled, numbered

    assert fx.http.post("/fiscal/resolve").json() == {"pending": []}
    [doc] = fx.receipts()
    assert doc["total"] == sale["total"] and doc["number"] == 2
    assert fx.job(sale["receipt_no"])["number"] == 2


def test_the_daily_report_waits_until_every_sale_is_registered(fx: Fixture) -> None:
    """The report zeroes the totalizers recovery compares with: run over a sale left pending,
    it could make a printed receipt look unprinted, and the sale be printed twice."""
    products = fx.products()
    fx.emulator.faults = Faults.parse("no-answer-after-lines=1")
    sale = fx.checkout(fx.basket([products["A"]["sku"], products["B"]["sku"]])).json()
    assert sale["fiscal"]["status"] == "pending"
    supervisor = {"approver": {"username": "supervisor", "pin": "4321"}}
    r = fx.http.post("/fiscal/daily-report", json=supervisor)
    assert r.status_code == 409 and r.json()["code"] == "fiscal-receipt-pending", r.text
    assert [d["type"] for d in fx.emulator.documents()] == []

    fx.emulator.faults = Faults()  # the device is back: the report settles the sale first
    r = fx.http.post("/fiscal/daily-report", json=supervisor)
    assert r.status_code == 201, r.text
    assert [d["type"] for d in fx.emulator.documents()] == ["receipt", "daily_report"]
    assert r.json()["receipts"] == 1 and sum(r.json()["totals"].values()) == sale["total"]
