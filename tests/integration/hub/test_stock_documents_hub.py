"""Store documents applied at the hub, on SQLite and on PostgreSQL: transfers in transit and
flagged, delivery differences, each document once, and the feed's positions in commit order
while several threads apply at once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sync.hub.service import Hub
from sync.protocol import EventBatch, EventRecord
from tests.integration.sync.conftest import hub_client, hub_settings

NOW = datetime.now(UTC)
AT, LATER = NOW.isoformat(), (NOW + timedelta(hours=1)).isoformat()


@pytest.fixture
def hub(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    h = Hub(hub_settings(tmp_path / "hub", None, database={"url": database_url}))
    with hub_client(h, run=False) as c:
        yield c
    h.close()


def _ev(seq: int, type_: str, data: dict[str, Any], at: str = AT) -> EventRecord:
    return EventRecord(seq=seq, id=str(uuid.uuid4()), type=type_, at=at,
                       data={"at": at, "stock": [], **data})  # fmt: skip


def _send(hub: TestClient, store_id: str, *events: EventRecord) -> None:
    h: Hub = hub.app.state.hub  # type: ignore[attr-defined]
    h.on_events(store_id, EventBatch(store_id=store_id, events=list(events)))


def _lines(qty: int) -> list[dict[str, Any]]:
    return [{"sku": "BAK-001-11", "qty": qty}]


def test_transfers_in_transit_received_and_flagged(hub: TestClient) -> None:
    sent = _ev(1, "transfer.sent", {"transfer_id": "T1", "from_store": "X", "to_store": "B",
                                    "lines": _lines(4)})  # fmt: skip
    _send(hub, "A", sent)
    _send(hub, "A", sent)  # the same batch again: applied once
    _send(hub, "A", sent.model_copy(update={"seq": 2}))  # a restored store tells it again
    [t] = hub.get("/api/v1/transfers", params={"status": "in_transit"}).json()
    assert (t["from_store"], t["to_store"], t["flags"]) == ("A", "B", [])  # the topic's store
    assert t["lines"] == [{"sku": "BAK-001-11", "sent": 4, "received": 0, "in_transit": 4,
                           "difference": 0}]  # fmt: skip
    got = {"transfer_id": "T1", "from_store": "A", "to_store": "B", "lines": _lines(3)}
    _send(hub, "B", _ev(1, "transfer.received", got))
    [t] = hub.get("/api/v1/transfers").json()
    assert (t["status"], t["flags"], t["lines"][0]["difference"]) == ("received", [], -1)
    _send(hub, "B", _ev(2, "transfer.received", got, at=LATER))
    [t] = hub.get("/api/v1/transfers", params={"flagged": True}).json()
    assert t["flags"] == ["received 2 times"]
    # Received before the hub hears of the send (another store's stream), then sent: one transfer.
    _send(hub, "C", _ev(1, "transfer.received", {**got, "transfer_id": "T2", "to_store": "C"}))
    early = [t for t in hub.get("/api/v1/transfers").json() if t["transfer_id"] == "T2"]
    assert early[0]["status"] == "arrived_unsent"
    _send(hub, "A", _ev(3, "transfer.sent", {"transfer_id": "T2", "to_store": "C",
                                             "lines": _lines(3)}))  # fmt: skip
    late = [t for t in hub.get("/api/v1/transfers").json() if t["transfer_id"] == "T2"]
    assert (late[0]["status"], late[0]["flags"]) == ("received", [])


def test_a_transfer_never_received_is_flagged(hub: TestClient) -> None:
    old = (NOW - timedelta(days=10)).isoformat()  # longer ago than transfer_overdue_days
    _send(hub, "A", _ev(1, "transfer.sent", {"transfer_id": "T9", "to_store": "B",
                                             "lines": _lines(1)}, at=old))  # fmt: skip
    [t] = hub.get("/api/v1/transfers", params={"flagged": True}).json()
    assert t["flags"] == ["not received in time"]


def test_delivery_receipts_report_their_differences(hub: TestClient) -> None:
    h: Hub = hub.app.state.hub  # type: ignore[attr-defined]
    lines = [{"sku": "BAK-001-11", "announced": 10, "received": 6, "difference": -4}]
    _send(hub, "A", _ev(1, "delivery.received", {
        "delivery_id": "D1", "receipt_id": "R1", "reference": "PO-7", "announced": True,
        "complete": False, "lines": lines, "received": _lines(6)}))  # fmt: skip
    with h.db.read() as tx:
        row = tx.one("SELECT status, announced FROM hub_deliveries WHERE delivery_id = 'D1'")
        line = tx.one("SELECT announced, received FROM hub_delivery_lines")
    assert (row[0], row[1], line[0], line[1]) == ("partial", 1, 10, 6)


def test_feed_positions_follow_the_commits_of_concurrent_appliers(hub: TestClient) -> None:
    """Four stores applied by four threads at once while a reader pages the feed: the reader
    never skips a position (one committed after a later one would be lost to its cursor)."""
    h: Hub = hub.app.state.hub  # type: ignore[attr-defined]
    per_store, stores = 40, ("A", "B", "C", "D")
    done = threading.Event()

    def apply(store_id: str) -> None:
        for seq in range(1, per_store + 1):
            _send(
                hub,
                store_id,
                _ev(
                    seq,
                    "write_off.completed",
                    {"write_off_id": f"{store_id}{seq}", "reason": "damaged", "lines": _lines(1)},
                ),
            )

    threads = [threading.Thread(target=apply, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    seen: list[dict[str, Any]] = []
    while not done.is_set():
        if not any(t.is_alive() for t in threads):
            done.set()  # one more read after the last commit
        after = seen[-1]["cursor"] if seen else 0
        page = h.feed(after, 7)
        seen += [{"cursor": r[0], "store_id": r[1], "seq": r[2]} for r in page]
    for t in threads:
        t.join()
    while page := h.feed(seen[-1]["cursor"], 100):
        seen += [{"cursor": r[0], "store_id": r[1], "seq": r[2]} for r in page]
    assert [i["cursor"] for i in seen] == list(range(1, per_store * len(stores) + 1))
    assert len({(i["store_id"], i["seq"]) for i in seen}) == per_store * len(stores)
    for s in stores:
        assert [i["seq"] for i in seen if i["store_id"] == s] == list(range(1, per_store + 1))


def test_the_feed_leaves_out_what_was_not_applied(hub: TestClient) -> None:
    h: Hub = hub.app.state.hub  # type: ignore[attr-defined]
    good = {"write_off_id": "W", "reason": "theft", "lines": _lines(1)}
    _send(
        hub,
        "A",
        _ev(1, "write_off.completed", good),
        _ev(2, "transfer.sent", {"transfer_id": "T"}),  # no lines: recorded with its error
        _ev(3, "stock.adjusted", {}),
        _ev(4, "count.completed", {"count_id": "K", "lines": []}),
    )
    assert [(r[0], r[2], r[3]) for r in h.feed(0, 10)] == [
        (1, 1, "write_off.completed"), (2, 4, "count.completed")]  # fmt: skip


def test_the_transfers_to_look_at_are_found_among_many(hub: TestClient) -> None:
    """The database narrows to what is in transit or may be flagged before any limit applies."""
    seq = {"A": 0, "B": 0, "C": 0}

    def send(store: str, type_: str, data: dict[str, Any], at: str = AT) -> None:
        seq[store] += 1
        _send(hub, store, _ev(seq[store], type_, {**data, "lines": _lines(1)}, at=at))

    old = (NOW - timedelta(days=10)).isoformat()
    send("A", "transfer.sent", {"transfer_id": "LATE", "to_store": "B"}, at=old)
    send("A", "transfer.sent", {"transfer_id": "TWICE", "to_store": "B"}, at=old)
    for n in range(6):  # newer, received as they should be
        send("A", "transfer.sent", {"transfer_id": f"OK{n}", "to_store": "B"})
        send("B", "transfer.received", {"transfer_id": f"OK{n}", "from_store": "A"})
    send("A", "transfer.sent", {"transfer_id": "MOVING", "to_store": "C"})
    for store in ("B", "C"):
        send(store, "transfer.received", {"transfer_id": "TWICE", "from_store": "A"})

    def ids(**params: object) -> list[str]:
        return [t["transfer_id"] for t in hub.get("/api/v1/transfers", params=params).json()]

    assert ids(status="in_transit", limit=5) == ["MOVING", "LATE"]
    assert sorted(ids(flagged=True, limit=5)) == ["LATE", "TWICE"]
    assert len(ids(limit=3)) == 3 and "LATE" not in ids(limit=3)  # the newest first
    assert hub.get("/api/v1/transfers", params={"limit": 0}).status_code == 422
