"""The storage suite: the same behaviour from the SQLite and the PostgreSQL adapter (each test
runs on both, see conftest.py)."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from edge.domain.catalogue import Product, Promotion
from edge.domain.vat import VatRate
from sync.hub import replication
from sync.hub.config import HubSettings
from sync.hub.context import HubContext
from sync.hub.store import Storage, counters, open_storage, retention
from sync.hub.store import catalogue as catalogue_repo
from sync.hub.store import commands as commands_repo
from sync.hub.store import dead_letters as dead_letters_repo
from sync.hub.store import feed as feed_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store import sales as sales_repo
from sync.hub.store import stock as stock_repo
from sync.hub.store import stores as stores_repo
from sync.hub.store.migrations import migrate
from sync.hub.store.schema import MIGRATIONS
from sync.protocol import EventBatch, EventRecord, Topics


def test_migrations_run_once_and_are_recorded(storage: Storage, database_url: str) -> None:
    assert migrate(storage, MIGRATIONS) == []  # open_storage already migrated
    with storage.read() as tx:
        numbers = [r[0] for r in tx.all("SELECT number FROM hub_schema_migrations ORDER BY 1")]
    assert numbers == [m.number for m in MIGRATIONS]


def test_timestamps_come_back_as_utc_iso_and_json_as_text(storage: Storage) -> None:
    with storage.transaction() as tx:
        stores_repo.ensure(tx, ["A"])
        stores_repo.record_status(
            tx, "A", online=True, at="2026-03-01T10:00:00.250000+00:00", catalogue_version=3,
            depth=2, public_key=None,
        )  # fmt: skip
        sales_repo.add_sale(
            tx, receipt_no="R1", store_id="A", at="2026-03-01T10:00:00+00:00", currency="PLN",
            total=500, tenders='[{"type": "cash", "amount": 500}]',
            lines=[("R1", 1, "2026-03-01T10:00:00+00:00", "SKU-1", 2, 250, 500, "A")],
        )  # fmt: skip
    with storage.read() as tx:
        row = stores_repo.get(tx, "A")
        found = sales_repo.receipt(tx, "R1")
    assert found is not None
    sale, lines = found
    assert row["last_seen"] == "2026-03-01T10:00:00.250000+00:00"
    assert row[0] == "A" and dict(row)["catalogue_version"] == 3
    assert sale["at"] == "2026-03-01T10:00:00+00:00"
    assert isinstance(sale["tenders"], str) and '"amount"' in sale["tenders"]
    assert [dict(ln)["qty"] for ln in lines] == [2]


def test_command_seqs_and_catalogue_versions_never_repeat_across_threads(
    storage: Storage,
) -> None:
    got: list[int] = []
    versions: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(20):
            seq = storage.run(lambda tx: stores_repo.next_command_seq(tx, "A"))
            version = storage.run(lambda tx: counters.take_next(tx, counters.CATALOGUE_VERSION))
            with lock:
                got.append(seq)
                versions.append(version)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(got) == list(range(1, 81))
    assert sorted(versions) == list(range(1, 81))


def _command(storage: Storage, n: int) -> None:
    with storage.transaction() as tx:
        seq = stores_repo.next_command_seq(tx, "A")
        commands_repo.add(
            tx, id=f"C{n}", store_id="A", seq=seq, type="order.cancel",
            envelope=f'{{"id": "C{n}"}}', at="2026-03-01T10:00:00+00:00",
        )  # fmt: skip


def test_pending_commands_are_claimed_by_one_sender_at_a_time(storage: Storage) -> None:
    for n in range(50):
        _command(storage, n)
    now = datetime.now(UTC)
    claims: list[list[str]] = []
    lock = threading.Lock()
    ready = threading.Barrier(4)

    def claim() -> None:
        ready.wait(30)  # all four at once
        with storage.transaction() as tx:
            got = commands_repo.claim_for_sending(
                tx, now=now.isoformat(), older_than=(now - timedelta(seconds=5)).isoformat()
            )
        with lock:
            claims.append(got)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    sent = [e for c in claims for e in c]
    assert len(sent) == 50 and len(set(sent)) == 50  # each exactly once
    with storage.transaction() as tx:  # sent just now: not again until older_than passes
        assert (
            commands_repo.claim_for_sending(
                tx, now=now.isoformat(), older_than=(now - timedelta(seconds=5)).isoformat()
            )
            == []
        )
        later = now + timedelta(seconds=10)
        again = commands_repo.claim_for_sending(
            tx, now=later.isoformat(), older_than=(later - timedelta(seconds=5)).isoformat(),
            store_id="A", limit=10,
        )  # fmt: skip
    assert len(again) == 10


def test_snapshot_greeting_and_resend_marks_are_claimed_once(storage: Storage) -> None:
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    iso = now.isoformat

    def at(s: float) -> str:
        return (now + timedelta(seconds=s)).isoformat()

    with storage.transaction() as tx:
        stores_repo.ensure(tx, ["A"])
        assert stores_repo.claim_snapshot(tx, "A", version=2, now=iso(), since=at(-60))
        assert not stores_repo.claim_snapshot(tx, "A", version=2, now=at(1), since=at(-59))
        assert stores_repo.claim_snapshot(tx, "A", version=3, now=at(2), since=at(-58))
        assert stores_repo.claim_snapshot(tx, "A", version=3, now=at(70), since=at(10))
        assert stores_repo.claim_greeting(tx, "A", now=iso())
        assert not stores_repo.claim_greeting(tx, "A", now=at(1))
        stores_repo.record_status(
            tx, "A", online=False, at=iso(), catalogue_version=0, depth=0, public_key=None
        )
        assert stores_repo.claim_greeting(tx, "A", now=at(2))  # back from offline
        # A gap first seen at t=0: not asked about before the grace, then once per grace.
        stores_repo.applied(
            tx, "A", applied_seq=4, now=iso(), depth=0, last_event_at=None, duplicates=0,
            gap=True,
        )  # fmt: skip
        assert stores_repo.claim_resend_request(tx, "A", now=at(1), since=at(-1)) is None
        assert stores_repo.claim_resend_request(tx, "A", now=at(3), since=at(1)) == 5
        assert stores_repo.claim_resend_request(tx, "A", now=at(3.5), since=at(1.5)) is None
        assert stores_repo.stale_gaps(tx, at(6)) == ["A"]
        stores_repo.applied(
            tx, "A", applied_seq=9, now=at(7), depth=0, last_event_at=None, duplicates=2,
            gap=False,
        )  # fmt: skip
        assert stores_repo.stale_gaps(tx, at(100)) == []
        row = stores_repo.get(tx, "A")
    assert (row["resend_requests"], row["duplicates"], row["applied_seq"]) == (1, 2, 9)


def test_nearby_changes_are_coalesced_and_told_once_per_interval(storage: Storage) -> None:
    t0 = datetime(2026, 3, 1, 10, tzinfo=UTC)

    def at(s: float) -> str:
        return (t0 + timedelta(seconds=s)).isoformat()

    with storage.transaction() as tx:
        stores_repo.ensure(tx, ["A", "B"])
        for n in range(5):  # five sales of one SKU: one change to tell
            stock_repo.set_levels(tx, [("A", "SKU-1", 10 - n, 0, at(n))])
        stock_repo.set_levels(tx, [("B", "SKU-2", 3, 1, at(0))])
        first = stock_repo.claim_changes(tx, now=at(10), since=at(8))
        stock_repo.set_levels(tx, [("A", "SKU-1", 4, 0, at(11))])
        too_soon = stock_repo.claim_changes(tx, now=at(11), since=at(9))
        later = stock_repo.claim_changes(tx, now=at(13), since=at(11))
        stock_repo.unclaim(tx, [("A", "SKU-1")])
        retry = stock_repo.claim_changes(tx, now=at(20), since=at(18))
    assert {s: [(r["sku"], r["on_hand"]) for r in rows] for s, rows in first.items()} == {
        "A": [("SKU-1", 6)],
        "B": [("SKU-2", 3)],
    }
    assert too_soon == {}
    assert [(r["sku"], r["on_hand"]) for r in later["A"]] == [("SKU-1", 4)]
    assert list(retry) == ["A"]


def test_nearby_changes_are_claimed_by_one_worker(storage: Storage) -> None:
    with storage.transaction() as tx:
        stores_repo.ensure(tx, [f"S{i:03d}" for i in range(40)])
        stock_repo.set_levels(
            tx, [(f"S{i:03d}", "SKU", i, 0, "2026-03-01T10:00:00+00:00") for i in range(40)]
        )
    now = datetime.now(UTC)
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def claim() -> None:
        with storage.transaction() as tx:
            got = stock_repo.claim_changes(
                tx, now=now.isoformat(), since=(now - timedelta(seconds=2)).isoformat()
            )
        with lock:
            results.append(dict(got))

    threads = [threading.Thread(target=claim) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    told = [s for r in results for s in r]
    assert sorted(told) == [f"S{i:03d}" for i in range(40)]


def _product(sku: str, price: int, barcodes: tuple[str, ...] = ()) -> Product:
    return Product(sku=sku, names={"pl": f"Produkt {sku}", "en": "Product"}, price=price,
                   vat=VatRate.A, currency="PLN", unit="pcs", category="c", barcodes=barcodes,
                   descriptions={"pl": "opis"}, image="", active=True)  # fmt: skip


def test_the_catalogue_keeps_products_barcodes_promotions_and_versions(storage: Storage) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    promo = Promotion(id="P1", sku="A-1", kind="percent", value=10, buy=0, pay=0,
                      starts=now, ends=None, labels={"pl": "-10%"})  # fmt: skip
    with storage.transaction() as tx:
        catalogue_repo.upsert(tx, [_product("A-1", 100, ("590", "591")), _product("B-2", 50)], now)
        catalogue_repo.upsert(tx, [_product("A-1", 120, ("592",))], now)  # the whole record
        catalogue_repo.upsert_promotions(tx, [promo])
        catalogue_repo.add_version(tx, 1, ["A-1", "B-2"], ["P1"], now)
        catalogue_repo.add_version(tx, 2, ["A-1"], [], now)
    with storage.read() as tx:
        a = catalogue_repo.get(tx, "A-1")
        assert a is not None and (a.price, a.barcodes) == (120, ("592",))
        assert [p.sku for p in catalogue_repo.many(tx, ["B-2", "X", "A-1"])] == ["B-2", "A-1"]
        assert [r["sku"] for r, _ in catalogue_repo.all_records(tx)] == ["A-1", "B-2"]
        assert catalogue_repo.price_of(tx, "B-2") == (50, True)
        got = catalogue_repo.promotions_by_id(tx, ["P1", "P2"])
        assert got["P1"].starts == now and got["P1"].labels == {"pl": "-10%"}
        assert catalogue_repo.versions_after(tx, 1) == [(2, ["A-1"], [])]
    with storage.transaction() as tx:
        catalogue_repo.delete_promotions(tx, ["P1"])
        assert catalogue_repo.all_promotions(tx) == []


def test_orders_sales_returns_and_dead_letters(storage: Storage) -> None:
    at = "2026-03-01T10:00:00+00:00"
    with storage.transaction() as tx:
        orders_repo.add(
            tx, order_id="O1", request_id="r1", store_id="A", status="sent", currency="PLN",
            total=300, prepaid=True, customer='{"name": "Ewa"}', at=at,
            lines=[orders_repo.Line("A-1", 3, 100, "pcs", {"id": "P1", "kind": "percent",
                                                          "value": 10, "buy": 0, "pay": 0}, 270)],
        )  # fmt: skip
        orders_repo.set_status(tx, "O1", status="ready", at=at, store_id="A", shelf="P-1")
        orders_repo.set_line_progress(tx, "O1", "A-1", reserved=3, collected=0, short=0)
        sales_repo.add_sale(
            tx, receipt_no="R1", store_id="A", at=at, currency="PLN", total=300, tenders="[]",
            lines=[("R1", 1, at, "A-1", 1, 100, 100, "A"), ("R1", 2, at, "A-1", 2, 100, 200, "A")],
        )  # fmt: skip
        sales_repo.spread_return(tx, "R1", "A-1", 2)
        sales_repo.add_return(
            tx, return_id="X1", store_id="A", at=at, kind="sale", ref="R1", offline=True,
            reasons=["too many"], body="{}",
        )  # fmt: skip
        dead_letters_repo.add(tx, at=at, topic="t", reason="bad", payload=b"a\x00b\xff")
    with storage.read() as tx:
        order = orders_repo.get(tx, "O1")
        assert order is not None
        row, lines = order
        assert [ln["reserved"] for ln in lines] == [3]
        assert [orders_repo.line_dict(ln)["promotion"]["id"] for ln in lines] == ["P1"]
        assert [ln["total"] for ln in lines] == [270]
        assert (row["status"], row["shelf"], row["prepaid"]) == ("ready", "P-1", 1)
        assert orders_repo.exists_for_request(tx, "r1")
        assert sales_repo.sold_and_returned(tx, "R1", "A-1") == (3, 2)
        assert [r["return_id"] for r in sales_repo.returns(tx, True)] == ["X1"]
        assert sales_repo.returns(tx, False) == []
        assert dead_letters_repo.count(tx) == 1


def test_retention_removes_old_events_and_sales_and_keeps_recent_ones(storage: Storage) -> None:
    now = datetime.now(UTC)
    old = (now - timedelta(days=500)).isoformat()
    recent = (now - timedelta(days=10)).isoformat()
    with storage.transaction() as tx:
        storage.partitions(tx, now)
        storage.partitions(tx, now - timedelta(days=500))  # as if running since then
        for i, at in enumerate([old, recent]):
            tx.execute(
                "INSERT INTO hub_events (store_id, seq, id, type, at, applied_at)"
                " VALUES ('A', ?, ?, 'sale.completed', ?, ?)",
                [i + 1, f"e{i}", at, at],
            )
            sales_repo.add_sale(
                tx, receipt_no=f"R{i}", store_id="A", at=at, currency="PLN", total=1,
                tenders="[]", lines=[(f"R{i}", 1, at, "A-1", 1, 1, 1, "A")],
            )  # fmt: skip
            feed_repo.append(tx, [("A", i + 1, "sale.completed", at, at, "{}")])
    removed = retention.prune(storage, now - timedelta(days=400))
    assert all(n >= 1 for n in removed.values()), removed
    with storage.read() as tx:
        if storage.dialect == "postgresql":  # the old month went as a whole partition
            month = f"{datetime.fromisoformat(old):%Y%m}"
            assert (
                tx.one("SELECT 1 FROM pg_class WHERE relname = ?", [f"hub_sales_{month}"]) is None
            )
            assert tx.one("SELECT 1 FROM pg_class WHERE relname = 'hub_sales_default'")
        assert [r[0] for r in tx.all("SELECT id FROM hub_events")] == ["e1"]
        assert [r[0] for r in tx.all("SELECT receipt_no FROM hub_sales")] == ["R1"]
        assert [r[0] for r in tx.all("SELECT receipt_no FROM hub_sale_lines")] == ["R1"]
        assert [r[0] for r in tx.all("SELECT position FROM hub_feed")] == [2]  # the ERP's too


def test_maintenance_is_claimed_by_one_worker_a_day(storage: Storage) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    day = timedelta(days=1)
    assert retention.claim(storage, "retention", now=now.isoformat(), since=(now - day).isoformat())
    assert not retention.claim(
        storage, "retention", now=(now + day / 2).isoformat(), since=(now - day / 2).isoformat()
    )
    later = now + day * 1.5
    assert retention.claim(
        storage, "retention", now=later.isoformat(), since=(later - day).isoformat()
    )


def test_a_backup_is_a_usable_copy(storage: Storage, tmp_path: Path) -> None:
    with storage.transaction() as tx:
        stores_repo.ensure(tx, ["A", "B"])
    dest = storage.backup(tmp_path / "backup" / "hub.copy")
    assert dest.stat().st_size > 0
    if storage.dialect == "sqlite":
        copy = open_storage(f"sqlite:///{dest}", tmp_path)
        try:
            with copy.read() as tx:
                assert stores_repo.ids(tx) == ["A", "B"]
        finally:
            copy.close()
    else:
        assert dest.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format


def test_a_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    from sync.hub.store import StorageError

    with pytest.raises(StorageError, match="use postgresql://"):
        open_storage("mysql://x", tmp_path)
    with pytest.raises(StorageError, match="cannot use PostgreSQL"):
        open_storage("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1", tmp_path)


def _ctx(storage: Storage) -> HubContext:
    return HubContext(
        settings=HubSettings(gap_grace_s=60),
        storage=storage,
        key=Ed25519PrivateKey.generate(),
        topics=Topics(),
    )


def _stock_event(seq: int, sku: str = "X", **data: object) -> EventRecord:
    return EventRecord(
        seq=seq, id=f"e{seq}", type="stock.adjusted", at="2026-03-01T10:00:00+00:00",
        data={"stock": [{"sku": sku, "on_hand": 1000 - seq, "reserved": 0}], **data},
    )  # fmt: skip


def test_batches_apply_once_in_order_whatever_order_and_data_they_come_in(
    storage: Storage,
) -> None:
    ctx = _ctx(storage)
    events = [_stock_event(seq) for seq in range(1, 61)]
    # Data no database can store as text, and a sale that is not one: recorded, not blocking.
    events[9] = _stock_event(10, sku="BAD\x00SKU")
    events[19] = EventRecord(seq=20, id="e\x0020", type="sale.completed", at="not a time",
                             data={"receipt_no": "R\x00"})  # fmt: skip
    batches = [events[i : i + 4] for i in range(0, 60, 4)]
    deliveries = batches + random.Random(3).sample(batches, 5)  # with duplicates
    random.Random(9).shuffle(deliveries)
    groups = [deliveries[i : i + 3] for i in range(0, len(deliveries), 3)]
    for group in groups:
        replication.on_events(ctx, [("A", EventBatch(store_id="A", events=b)) for b in group])
    with storage.read() as tx:
        rows = tx.all("SELECT seq, error FROM hub_events WHERE store_id = 'A' ORDER BY seq")
        level = tx.scalar("SELECT on_hand FROM hub_stock WHERE store_id = 'A' AND sku = 'X'")
        store = stores_repo.get(tx, "A")
        held = tx.scalar("SELECT count(*) FROM hub_pending")
    assert [r[0] for r in rows] == list(range(1, 61))  # each seq once
    assert [r[0] for r in rows if r[1]] == [10, 20]  # the unusable ones, with their error
    assert (level, store["applied_seq"], held) == (940, 60, 0)
    assert store["duplicates"] == 20 and store["gap_since"] is None  # 5 batches of 4 again


def test_workers_applying_one_stores_batches_at_once_apply_each_event_once(
    storage: Storage,
) -> None:
    """Four workers get the same store's batches in their own orders, at the same time (a
    shared subscription and redeliveries): the store's row lock serialises them."""
    ctx = _ctx(storage)
    batches = [[_stock_event(seq) for seq in range(i, i + 3)] for i in range(1, 91, 3)]

    def worker(seed: int) -> None:
        for b in random.Random(seed).sample(batches, len(batches)):
            replication.on_events(ctx, [("A", EventBatch(store_id="A", events=b))])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with storage.read() as tx:
        seqs = [r[0] for r in tx.all("SELECT seq FROM hub_events WHERE store_id = 'A'")]
        store = stores_repo.get(tx, "A")
    assert sorted(seqs) == list(range(1, 91))
    assert (store["applied_seq"], store["duplicates"]) == (90, 270)
