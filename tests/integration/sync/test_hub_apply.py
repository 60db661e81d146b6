"""The hub applies each (store, seq) once, in order, whatever order and how often batches come."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge.signing import check_pickup_code
from sync import protocol
from sync.hub.service import Hub
from sync.protocol import EventBatch, EventRecord, Topics
from tests.integration.sync.conftest import hub_settings


@pytest.fixture
def offline_hub(tmp_path: Path) -> Iterator[Hub]:
    h = Hub(hub_settings(tmp_path / "hub", None))
    yield h
    h.db.close()


def _event(seq: int, on_hand: int) -> EventRecord:
    return EventRecord(
        seq=seq,
        id=str(uuid.uuid4()),
        type="stock.adjusted",
        at=f"2026-01-01T00:00:{seq % 60:02d}+00:00",
        data={"reason": "count", "stock": [{"sku": "DAI-011-11", "on_hand": on_hand,
                                            "reserved": 0}]},
    )  # fmt: skip


def _applied(h: Hub) -> tuple[int, int]:
    with h.db.read() as conn:
        n = conn.execute("SELECT count(*) FROM hub_events WHERE store_id = 'A'").fetchone()[0]
        on_hand = conn.execute(
            "SELECT on_hand FROM hub_stock WHERE store_id = 'A' AND sku = 'DAI-011-11'"
        ).fetchone()
    return n, on_hand[0] if on_hand else -1


def test_shuffled_and_duplicated_batches_apply_once_in_order(offline_hub: Hub) -> None:
    events = [_event(seq, 1000 - seq) for seq in range(1, 201)]
    batches = [events[i : i + 7] for i in range(0, 200, 7)]
    deliveries = batches + random.Random(5).sample(batches, 15)  # duplicates
    random.Random(7).shuffle(deliveries)
    acks = []
    for b in deliveries:
        done = offline_hub.on_events("A", EventBatch(store_id="A", events=b))
        acks.append((done.acked_seq, done.gap))
    assert _applied(offline_hub) == (200, 800)  # the last event's level, not a late one's
    assert acks[-1][0] == 200 or max(a for a, _ in acks) == 200
    assert all(a <= 200 for a, _ in acks)


def test_a_gap_is_reported_and_filled_later(offline_hub: Hub) -> None:
    first = offline_hub.on_events("A", EventBatch(store_id="A", events=[_event(1, 9)]))
    ahead = offline_hub.on_events("A", EventBatch(store_id="A", events=[_event(3, 7)]))
    assert (first.acked_seq, ahead.acked_seq, ahead.gap) == (1, 1, True)
    assert _applied(offline_hub) == (1, 9)
    filled = offline_hub.on_events("A", EventBatch(store_id="A", events=[_event(2, 8)]))
    assert (filled.acked_seq, filled.gap) == (3, False)
    assert _applied(offline_hub) == (3, 7)


def test_bad_messages_are_dead_lettered_and_change_nothing(offline_hub: Hub) -> None:
    t = Topics()
    good = protocol.encode(EventBatch(store_id="A", events=[_event(1, 5)]))
    for topic, payload in (
        (t.events("A"), b"not json"),
        (t.events("A"), b"[1, 2]"),
        (t.events("A"), b'{"v": 99, "store_id": "A", "events": []}'),
        (t.events("A"), b'{"store_id": "A", "events": [{"seq": 0}]}'),
        (t.events("B"), good),  # a store speaking for another store
        (t.status("A"), b'{"store_id": "A"}'),
        (t.command_acks("A"), b'{"id": "nope", "seq": 1, "store_id": "A", "status": "applied",'
                              b' "at": "x"}'),
        ("elsewhere/topic", good),
    ):  # fmt: skip
        offline_hub.handle(topic, payload)
    with offline_hub.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM hub_dead_letters").fetchone()[0] == 8
        assert conn.execute("SELECT count(*) FROM hub_events").fetchone()[0] == 0
    offline_hub.handle(t.events("A"), good)
    assert _applied(offline_hub) == (1, 5)


def test_an_event_the_hub_cannot_use_does_not_block_the_stream(offline_hub: Hub) -> None:
    broken = EventRecord(seq=1, id="x", type="sale.completed", at="2026-01-01T00:00:00+00:00",
                         data={"receipt_no": "R1"})  # fmt: skip
    done = offline_hub.on_events("A", EventBatch(store_id="A", events=[broken, _event(2, 4)]))
    assert done.acked_seq == 2
    with offline_hub.db.read() as conn:
        errors = conn.execute(
            "SELECT seq, error FROM hub_events WHERE error IS NOT NULL"
        ).fetchall()
        assert [e[0] for e in errors] == [1]
        assert conn.execute("SELECT count(*) FROM hub_sales").fetchone()[0] == 0


def _sale(seq: int, receipt_no: str, qty: int) -> EventRecord:
    return EventRecord(
        seq=seq, id=str(uuid.uuid4()), type="sale.completed", at="2026-01-01T10:00:00+00:00",
        data={"receipt_no": receipt_no, "at": "2026-01-01T10:00:00+00:00", "currency": "PLN",
              "total": 598 * qty, "tenders": [{"type": "cash", "amount": 598 * qty}],
              "lines": [{"line_no": 1, "sku": "DAI-011-11", "qty": qty, "unit_price": 598,
                         "discount": 0, "total": 598 * qty, "vat": "C"}],
              "stock": [{"sku": "DAI-011-11", "on_hand": 10, "reserved": 0}]},
    )  # fmt: skip


def _return(seq: int, return_id: str, ref: str, qty: int, offline: bool) -> EventRecord:
    return EventRecord(
        seq=seq, id=str(uuid.uuid4()), type="return.completed", at="2026-01-02T10:00:00+00:00",
        data={"return_id": return_id, "store_id": "A", "at": "2026-01-02T10:00:00+00:00",
              "original": {"kind": "sale", "ref": ref, "store_id": "A"}, "offline": offline,
              "lines": [{"sku": "DAI-011-11", "qty": qty, "unit_price": 598, "refund": 598 * qty,
                         "reason": "changed-mind", "disposition": "restock"}],
              "refund": {"total": 598 * qty, "tenders": []},
              "stock": [{"sku": "DAI-011-11", "on_hand": 10 + qty, "reserved": 0}]},
    )  # fmt: skip


def test_receipts_and_over_returns(offline_hub: Hub) -> None:
    h = offline_hub
    h.on_events("A", EventBatch(store_id="A", events=[_sale(1, "A-01-1", 3)]))
    h.on_events("A", EventBatch(store_id="A", events=[_return(2, "R1", "A-01-1", 2, False)]))
    h.on_events("A", EventBatch(store_id="A", events=[_return(3, "R2", "A-01-1", 2, True)]))
    receipt = h.receipt("A-01-1")
    assert receipt["lines"][0]["qty"] == 3 and receipt["lines"][0]["returned"] == 4
    flagged = h.returns(flagged=True)
    assert [r["return_id"] for r in flagged] == ["R2"] and flagged[0]["offline"] is True
    assert [r["return_id"] for r in h.returns(flagged=False)] == ["R1"]


def test_a_kiosk_order_request_becomes_one_order_and_one_command(offline_hub: Hub) -> None:
    req = EventRecord(
        seq=1, id=str(uuid.uuid4()), type="order.requested", at="2026-01-01T10:00:00+00:00",
        data={"request_id": "req-1", "store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 1}],
              "customer": {"name": "Jan", "phone": "+48 600 000 000"}, "consent": True,
              "prepaid": False, "pickup_code_hash": "scrypt$16384$8$1$00$00"},
    )  # fmt: skip
    again = req.model_copy(update={"seq": 2, "id": str(uuid.uuid4())})  # the kiosk retried
    offline_hub.on_events("A", EventBatch(store_id="A", events=[req, again]))
    with offline_hub.db.read() as conn:
        orders = conn.execute("SELECT order_id, request_id FROM hub_orders").fetchall()
        cmds = conn.execute("SELECT type, envelope FROM hub_commands").fetchall()
    assert [o["request_id"] for o in orders] == ["req-1"]
    assert [c["type"] for c in cmds] == ["order.create"]
    # The hub makes the pickup code (the store's hash is ignored) and sends it to the store.
    data = json.loads(cmds[0]["envelope"])["data"]
    assert data["pickup_code_hash"] != "scrypt$16384$8$1$00$00" and data["prepaid"] is False
    assert check_pickup_code(data["pickup_code"], data["pickup_code_hash"])


def test_order_status_events_drive_the_hub_order(offline_hub: Hub) -> None:
    from sync.hub.orders import OrderIn

    order = offline_hub.create_order(
        OrderIn.model_validate(
            {"store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 2}],
             "customer": {"name": "Ewa", "email": "ewa@example.com"}}
        )
    )  # fmt: skip
    assert order["status"] == "sent" and len(order["pickup_code"]) == 6
    status = EventRecord(
        seq=1, id=str(uuid.uuid4()), type="order.status", at="2026-01-01T11:00:00+00:00",
        data={"order_id": order["order_id"], "status": "ready", "shelf": "P-3",
              "lines": [{"sku": "DAI-011-11", "qty": 2, "reserved": 2, "collected": 0,
                         "short": 0}],
              "stock": [{"sku": "DAI-011-11", "on_hand": 10, "reserved": 2}]},
    )  # fmt: skip
    offline_hub.on_events("A", EventBatch(store_id="A", events=[status]))
    got = offline_hub.order(order["order_id"])
    assert (got["status"], got["shelf"]) == ("ready", "P-3")
    assert got["lines"][0]["reserved"] == 2
    assert offline_hub.availability("DAI-011-11")["stores"] == [
        {"store_id": "A", "on_hand": 10, "reserved": 2, "available": 8,
         "as_of": "2026-01-01T11:00:00+00:00"}
    ]  # fmt: skip


def test_the_example_hub_config_loads_and_names_neighbours(tmp_path: Path) -> None:
    from edge.config import load_settings
    from sync.hub.config import HubSettings

    example = Path(__file__).parents[3] / "deploy" / "hub.example.toml"
    settings = load_settings(example, {"data_dir": tmp_path / "h"}, HubSettings)
    assert settings.broker.url == "mqtts://broker.example:8883"
    assert settings.stores["S001"].neighbours == ["S002"]
    hub = Hub(
        settings.model_copy(update={"broker": settings.broker.model_copy(update={"url": None})})
    )
    try:
        assert hub.hears_about("S001") == ["S002"]
        assert hub.neighbours_of("S002") == ["S001"]
        assert hub.hears_about("S999") == []  # configured neighbours: strangers hear nothing
    finally:
        hub.db.close()


def test_refused_messages_are_counted_in_the_hubs_metrics(tmp_path: Path) -> None:

    from tests.integration.sync.conftest import hub_client

    hub = Hub(hub_settings(tmp_path / "hub", None))
    with hub_client(hub) as c:
        hub.handle(Topics().events("A"), b"{broken")
        hub.handle(Topics().events("A"), b"{broken again")
        text = c.get("/metrics").text
    assert 'store_edge_hub_rejected_messages_total{reason="not JSON"} 2.0' in text


def test_cancelling_an_order_sends_a_signed_cancel_command(offline_hub: Hub) -> None:
    from sync.hub.orders import OrderIn
    from sync.protocol import Command

    order = offline_hub.create_order(
        OrderIn.model_validate(
            {"store_id": "A", "lines": [{"sku": "DAI-011-11", "qty": 1}],
             "customer": {"name": "Ola", "phone": "+48 500 600 700"}}
        )
    )  # fmt: skip
    offline_hub.cancel_order(order["order_id"], "shopper changed their mind")
    with offline_hub.db.read() as conn:
        rows = conn.execute(
            "SELECT seq, type, envelope FROM hub_commands WHERE store_id = 'A' ORDER BY seq"
        ).fetchall()
    assert [(r["seq"], r["type"]) for r in rows] == [(1, "order.create"), (2, "order.cancel")]
    cancel = Command.model_validate_json(rows[1]["envelope"])
    cancel.check(offline_hub.key.public_key())
    assert cancel.data == {"order_id": order["order_id"], "reason": "shopper changed their mind"}


def test_a_return_that_reaches_the_hub_before_its_sale_is_counted_when_the_sale_comes(
    offline_hub: Hub,
) -> None:
    """Store B returns A's sale while A's events are still on their way: the streams of two
    stores carry no order between them. The return is counted against the receipt (and
    checked) once the sale arrives, not flagged for a sale "of 0 sold"."""
    h = offline_hub
    ok, over = _return(1, "R-B1", "A-01-7", 1, True), _return(2, "R-B2", "A-01-7", 2, True)
    h.on_events("B", EventBatch(store_id="B", events=[ok, over]))
    assert h.returns(flagged=True) == []  # nothing to judge them by yet
    h.on_events("A", EventBatch(store_id="A", events=[_sale(1, "A-01-7", 2)]))
    receipt = h.receipt("A-01-7")
    assert receipt["lines"][0]["qty"] == 2 and receipt["lines"][0]["returned"] == 3
    flagged = h.returns(flagged=True)
    assert [r["return_id"] for r in flagged] == ["R-B2"]
    assert "returned 3 of 2 sold" in flagged[0]["flag_reason"]
    assert [r["return_id"] for r in h.returns(flagged=False)] == ["R-B1"]
