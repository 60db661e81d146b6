"""Nearby stock that scales (neighbours by configuration or distance, a cap, changes coalesced
per interval, a returning store gets only its neighbours' picture), gaps that are not taken for
lost data, and what the hub shows about each store's lag."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from sync import protocol
from sync.hub.nearby import Neighbours
from sync.hub.service import Hub
from sync.protocol import EventBatch, EventRecord, NearbyStock, StoreStatus, Topics
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import hub_client, hub_settings

# Twelve stores along a line, 10 km apart (0.09° of latitude): S00's nearest are S01, S02, …
PLACES = {f"S{i:02d}": {"name": f"Sklep {i}", "lat": 50.0 + 0.09 * i, "lon": 20.0}
          for i in range(12)}  # fmt: skip


def _sale(seq: int, sku: str, on_hand: int) -> EventRecord:
    return EventRecord(
        seq=seq, id=str(uuid.uuid4()), type="stock.adjusted", at="2026-03-01T10:00:00+00:00",
        data={"stock": [{"sku": sku, "on_hand": on_hand, "reserved": 0}]},
    )  # fmt: skip


class Listener:
    """A raw MQTT client counting nearby messages per receiving store."""

    def __init__(self, broker: Broker) -> None:
        self.got: Counter[str] = Counter()
        self.levels: dict[str, list[dict[str, object]]] = {}
        self.lock = threading.Lock()
        ready = threading.Event()
        c = paho.Client(CallbackAPIVersion.VERSION2, client_id="listener", protocol=paho.MQTTv5)
        c.on_message = self._message
        c.on_subscribe = lambda *a: ready.set()
        c.connect("127.0.0.1", broker.port)
        c.loop_start()
        c.subscribe(Topics().all_stores("nearby"), qos=1)
        assert ready.wait(10)
        self.client = c

    def _message(self, client, userdata, msg) -> None:  # type: ignore[no-untyped-def]
        store = msg.topic.split("/")[-2]
        levels = protocol.decode(msg.payload, NearbyStock).levels
        with self.lock:
            self.got[store] += 1
            self.levels.setdefault(store, []).extend(levels)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def listener(broker: Broker) -> Iterator[Listener]:
    li = Listener(broker)
    yield li
    li.close()


def _hub(tmp_path: Path, broker: Broker, **extra: object) -> Iterator[Hub]:
    h = Hub(hub_settings(tmp_path / "hub", broker.url, **extra))
    with hub_client(h):
        wait_for(lambda: h.ctx.link is not None and h.ctx.link.connected)
        yield h


def test_neighbours_come_from_configuration_then_distance_and_are_capped() -> None:
    from sync.hub.config import HubSettings

    settings = HubSettings(
        stores={**PLACES, "S00": {**PLACES["S00"], "neighbours": ["S11", "S05"]}},
        nearby={"max_neighbours": 3},
    )
    n = Neighbours(settings)
    assert n.hears_about("S00") == ["S11", "S05"]  # configured wins
    assert n.hears_about("S06") == ["S05", "S07", "S04"]  # nearest first, three at most
    assert n.hears_about("S99", ["S99", "S00"]) == []  # configured chain: a stranger hears none
    assert "S06" in n.told_about("S05")
    # Nothing configured (a small chain, the demo): a ring of the known stores, capped.
    ring = Neighbours(HubSettings(nearby={"max_neighbours": 2}))
    known = ["A", "B", "C", "D"]
    assert [ring.hears_about(s, known) for s in known] == [
        ["B", "C"], ["C", "D"], ["D", "A"], ["A", "B"],
    ]  # fmt: skip
    assert sorted(ring.told_about("A", known)) == ["C", "D"]


def test_changes_are_told_to_the_nearest_ten_once_per_interval(
    tmp_path: Path, broker: Broker, listener: Listener
) -> None:
    gen = _hub(tmp_path, broker, stores=PLACES, nearby={"interval_s": 5.0})
    h = next(gen)
    try:
        for s in PLACES:  # every store known to the hub
            h.on_events(s, EventBatch(store_id=s, events=[_sale(1, "X", 100)]))
        # Each store hears about its ten nearest, all in one message (one push, one tick).
        wait_for(
            lambda: (
                len(listener.got) == 12
                and all(
                    len({lv["store_id"] for lv in lvs}) == 10 for lvs in listener.levels.values()
                )
            )
        )
        assert max(listener.got.values()) <= 2
        wait_for(lambda: h.push_nearby_changes() == 0 and True)
        listener.got.clear()
        listener.levels.clear()
        # Fifty sales at S00 within the interval: the stores that hear about it (those that
        # have S00 among their ten nearest: S01…S05 on this line) hear at most a few times
        # each (the first change at once, the rest together after the interval).
        expected = {f"S{i:02d}" for i in range(1, 6)}
        assert set(h.neighbours_of("S00")) == expected
        started = time.monotonic()
        for seq in range(2, 52):  # paced over more than a second: several nearby ticks
            h.on_events("S00", EventBatch(store_id="S00", events=[_sale(seq, "X", 100 - seq)]))
            time.sleep(max(0.0, started + seq * 0.03 - time.monotonic()))
        wait_for(
            lambda: (
                set(listener.got) == expected
                and all(lv[-1]["on_hand"] == 49 for lv in listener.levels.values())
            )
        )
        assert max(listener.got.values()) <= 2, listener.got
        assert sum(listener.got.values()) <= 15  # not 50 sales × 5 listeners
    finally:
        next(gen, None)


def test_a_returning_store_gets_its_neighbours_picture_not_the_networks(
    tmp_path: Path, broker: Broker, listener: Listener
) -> None:
    gen = _hub(tmp_path, broker, stores=PLACES, nearby={"max_neighbours": 2})
    h = next(gen)
    try:
        for s in PLACES:
            h.on_events(s, EventBatch(store_id=s, events=[_sale(1, f"SKU-{s}", 7)]))
        wait_for(lambda: h.push_nearby_changes() == 0 and sum(listener.got.values()) > 0)
        listener.got.clear()
        listener.levels.clear()
        status = StoreStatus(store_id="S05", online=True, at="2026-03-01T10:00:00+00:00")
        h.handle(Topics().status("S05"), protocol.encode(status))  # new: the whole picture
        wait_for(lambda: listener.got["S05"] >= 1)
        assert {lv["store_id"] for lv in listener.levels["S05"]} == {"S04", "S06"}
        listener.got.clear()
        h.handle(Topics().status("S05"), protocol.encode(status))  # still online: nothing
        offline = status.model_copy(update={"online": False})
        h.handle(Topics().status("S05"), protocol.encode(offline))
        h.handle(Topics().status("S05"), protocol.encode(status))  # back: the picture again
        wait_for(lambda: listener.got["S05"] >= 1)
        assert listener.got["S05"] == 1
    finally:
        next(gen, None)


def _offline_hub(tmp_path: Path, **extra: object) -> Hub:
    return Hub(hub_settings(tmp_path / "hub", None, **extra))


def test_a_gap_is_not_a_resend_request_until_it_outlasts_the_grace(tmp_path: Path) -> None:
    patient = _offline_hub(tmp_path / "a", gap_grace_s=60)
    try:
        patient.on_events("A", EventBatch(store_id="A", events=[_sale(1, "X", 9)]))
        ahead = patient.on_events("A", EventBatch(store_id="A", events=[_sale(3, "X", 7)]))
        assert (ahead.acked_seq, ahead.gap, ahead.resend_from) == (1, True, None)
        again = patient.on_events("A", EventBatch(store_id="A", events=[_sale(4, "X", 6)]))
        assert again.resend_from is None  # another worker may be applying seq 2 right now
        filled = patient.on_events("A", EventBatch(store_id="A", events=[_sale(2, "X", 8)]))
        assert (filled.acked_seq, filled.gap) == (4, False)
        assert patient.stores()[0]["resend_requests"] == 0
    finally:
        patient.close()
    eager = _offline_hub(tmp_path / "b", gap_grace_s=0)
    try:
        eager.on_events("A", EventBatch(store_id="A", events=[_sale(1, "X", 9)]))
        ahead = eager.on_events("A", EventBatch(store_id="A", events=[_sale(3, "X", 7)]))
        assert ahead.resend_from == 2  # no grace: asked at once, and counted
        assert eager.stores()[0]["resend_requests"] == 1
    finally:
        eager.close()


def test_the_hub_shows_each_stores_lag_rate_and_batch_latency(tmp_path: Path) -> None:
    h = _offline_hub(tmp_path)
    with hub_client(h, run=False) as c:
        batch = EventBatch(store_id="A", events=[_sale(1, "X", 9)], outbox_depth=4)
        h.on_events("A", batch)
        h.on_events("A", batch)  # a duplicate
        listed = c.get("/api/v1/stores").json()
        metrics = c.get("/metrics").text
    assert listed[0]["lag_events"] == 4 and listed[0]["lag_s"] is not None
    assert listed[0]["duplicates"] == 1
    assert 'store_edge_hub_store_lag_events{store="A"} 4.0' in metrics
    assert 'store_edge_hub_store_lag_seconds{store="A"}' in metrics
    assert "store_edge_hub_events_applied_total 1.0" in metrics
    assert "store_edge_hub_duplicate_events_total 1.0" in metrics
    assert "store_edge_hub_batch_apply_seconds_count 2.0" in metrics
    h.close()


def test_housekeeping_keeps_the_configured_days_and_runs_once_a_day(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from sync.hub import maintenance

    h = _offline_hub(tmp_path, retention={"days": 30})
    try:
        now = datetime.now(UTC)
        for seq, age in ((1, 45), (2, 10)):
            at = (now - timedelta(days=age)).isoformat()
            with h.storage.transaction() as tx:
                tx.execute(
                    "INSERT INTO hub_events (store_id, seq, id, type, at, applied_at)"
                    " VALUES ('A', ?, ?, 'stock.adjusted', ?, ?)",
                    [seq, f"e{seq}", at, at],
                )
        assert maintenance.run(h.ctx, now)["hub_events"] == 1
        assert maintenance.run(h.ctx, now + timedelta(hours=1)) == {}  # done for today
        with h.storage.read() as tx:
            assert [r[0] for r in tx.all("SELECT seq FROM hub_events")] == [2]
    finally:
        h.close()
