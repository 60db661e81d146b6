"""Messages the hub refuses: a store's flood neither fills the hub's database nor delays
other stores. Kept payloads are truncated, each refusal is counted per store and reason,
storing is rate-limited per store, and old dead letters go with retention."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from sync import protocol
from sync.hub import maintenance
from sync.hub.api import create_hub_app
from sync.hub.config import HubSettings
from sync.hub.context import HubContext
from sync.hub.refusals import MAX_SERIES
from sync.hub.service import Hub
from sync.hub.store import Storage
from sync.hub.store import dead_letters as dead_letters_repo
from sync.hub.tokens import Scope
from sync.hub.worker import GROUP_MAX
from sync.protocol import EventBatch, EventRecord, Topics
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import bearer, hub_settings, hub_token

JUNK = b'{"v": 1, "junk": "' + b"x" * 100_000  # 100 kB, not JSON


def _batch(store_id: str) -> bytes:
    event = EventRecord(seq=1, id=str(uuid.uuid4()), type="store.note",
                        at=datetime.now(UTC).isoformat(), data={})  # fmt: skip
    return protocol.encode(EventBatch(store_id=store_id, events=[event]))


def _applied(h: Hub, store_id: str) -> int:
    with h.db.read() as tx:
        row = tx.one("SELECT applied_seq FROM hub_stores WHERE store_id = ?", [store_id])
    return int(row[0]) if row else 0


def test_a_flood_from_one_store_does_not_hold_up_another(tmp_path: Path) -> None:
    # Every refusal stored (no rate limit here), so the database shows what went first.
    h = Hub(hub_settings(tmp_path / "hub", None, dead_letters={"per_store_per_minute": 10_000}))
    t = h.topics
    flood = 3 * GROUP_MAX
    # All of it waiting before the worker starts: S001's junk and its valid batch, then S002's.
    for _ in range(flood):
        h.worker._received(t.events("S001"), JUNK)
    h.worker._received(t.events("S001"), _batch("S001"))
    h.worker._received(t.events("S002"), _batch("S002"))
    h.start()
    try:
        wait_for(lambda: _applied(h, "S002") == 1 and _applied(h, "S001") == 1)
        with h.db.read() as tx:
            applied_at = tx.one("SELECT applied_at FROM hub_events WHERE store_id = 'S002'")[0]
            before = tx.scalar("SELECT count(*) FROM hub_dead_letters WHERE at < ?", [applied_at])
            stored = dead_letters_repo.count(tx)
        assert stored == flood
        # Fair: S002's batch went in the first group taken, not behind the whole flood.
        assert before <= GROUP_MAX, f"{before} refusals before S002's batch was applied"
    finally:
        h.stop()


def test_refusals_are_truncated_counted_per_store_and_rate_limited(tmp_path: Path) -> None:
    h = Hub(hub_settings(tmp_path / "hub", None))
    per_minute = h.settings.dead_letters.per_store_per_minute
    t = h.topics
    for _ in range(5 * per_minute):
        h.worker._received(t.events("S001"), JUNK)
    for _ in range(3):
        h.worker._received(t.status("S002"), b"{not json")
    with TestClient(create_hub_app(h)) as api:
        wait_for(lambda: sum(h.rejected.values()) == 5 * per_minute + 3)
        with h.db.read() as tx:
            rows = tx.all("SELECT topic, payload FROM hub_dead_letters")
        by_store = {s: sum(1 for r in rows if f"/{s}/" in r[0]) for s in ("S001", "S002")}
        # At most one minute's allowance (two, had the flood crossed a minute boundary).
        assert per_minute <= by_store["S001"] <= 2 * per_minute
        assert by_store["S002"] == 3  # another store's refusals are still kept
        assert max(len(r[1].encode()) for r in rows) <= h.settings.dead_letters.keep_bytes
        metrics = api.get("/metrics", headers=bearer(hub_token(h, Scope.READ))).text
    flood, kept = 5 * per_minute, by_store["S001"]
    for line in (
        f'store_edge_hub_refused_messages_total{{reason="not JSON",store="S001"}} {flood}.0',
        'store_edge_hub_refused_messages_total{reason="not JSON",store="S002"} 3.0',
        f'store_edge_hub_dead_letters_unstored_total{{store="S001"}} {flood - kept}.0',
    ):
        assert line in metrics, line


def test_old_dead_letters_go_with_retention(storage: Storage, tmp_path: Path) -> None:
    settings = HubSettings(data_dir=tmp_path, dead_letters={"keep_days": 30})  # type: ignore[arg-type]
    ctx = HubContext(settings, storage, Ed25519PrivateKey.generate(), Topics())
    now = datetime.now(UTC)
    with storage.transaction() as tx:
        for days, topic in ((45, "old"), (5, "recent")):
            at = (now - timedelta(days=days)).isoformat()
            dead_letters_repo.add(tx, at=at, topic=topic, reason="bad", payload=b"x")
    removed = maintenance.run(ctx, now)
    assert removed["hub_dead_letters"] == 1
    with storage.read() as tx:
        assert [r[0] for r in tx.all("SELECT topic FROM hub_dead_letters")] == ["recent"]


def test_refusal_counts_stay_bounded_whatever_the_payloads_say(tmp_path: Path) -> None:
    """A refusal's reason may quote the payload (a batch claiming another store): counted
    under a bounded set of labels, not one new series per claim."""
    h = Hub(hub_settings(tmp_path / "hub", None))
    claims = 3 * MAX_SERIES
    for i in range(claims):
        h.worker._received(h.topics.events("S001"), _batch(f"X{i}"))
    h.start()
    try:
        wait_for(lambda: sum(h.rejected.values()) == claims)
        assert len(h.stats.refused) <= MAX_SERIES and len(h.rejected) <= MAX_SERIES
        assert sum(h.stats.refused.values()) == claims
    finally:
        h.stop()
