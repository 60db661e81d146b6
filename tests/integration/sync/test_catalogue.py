"""Catalogue and prices from the hub: deltas to running stores, snapshots on a gap."""

from __future__ import annotations

from fastapi.testclient import TestClient

from edge.services import baskets
from sync import protocol
from sync.protocol import CatalogueMessage, Topics
from tests.integration.sync.brokers import Broker, wait_for
from tests.integration.sync.conftest import CASHIER, NodeFactory, ctx_of, hub_of
from tests.integration.sync.test_commands import _raw_publish

SKU = "DAI-011-11"


def _version(client: TestClient) -> int:
    return int(client.get("/api/v1/sync/status").json()["catalogue_version"])


def test_a_price_change_reaches_a_running_store_and_the_next_scan_uses_it(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    with hub_of(hub).db.read() as conn:
        barcode = conn.execute("SELECT code FROM hub_barcodes WHERE sku = ?", [SKU]).fetchone()[0]
    csv = (
        "sku,name_pl,price,vat,barcodes\n"
        f"{SKU},Mleko promocyjne,1.99,C,{barcode}\n"
        "NEW-1,Nowy produkt,5.00,A,5901234123457\n"
    )
    r = hub.post("/api/v1/catalog/import", content=csv, headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert r.json() == {"imported": 2, "version": 2, "promotions": 0, "ended_promotions": 0}
    wait_for(lambda: _version(a) == 2)
    view = baskets.create_basket(ctx_of(a), CASHIER)
    view, line = baskets.add_line(ctx_of(a), view.basket.id, code=barcode)  # the next scan
    assert (line.sku, line.unit_price) == (SKU, 199)
    assert a.get("/api/v1/lookup/5901234123457").json()["product"]["sku"] == "NEW-1"


def test_a_bad_catalogue_file_is_refused_whole(hub: TestClient) -> None:
    csv = "sku,name_pl,price,vat\nOK-1,Dobry,1.00,A\nBAD-1,Zły,-3,A\n"
    r = hub.post("/api/v1/catalog/import", content=csv, headers={"content-type": "text/csv"})
    assert r.status_code == 422
    assert "line 3" in r.json()["detail"]
    assert hub.get("/api/v1/availability/OK-1").status_code == 404


def test_a_store_that_sees_a_gap_asks_for_a_snapshot(
    hub: TestClient, node: NodeFactory, broker: Broker
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    h = hub_of(hub)
    # The hub moves to v3 while the store misses v2 (published while nobody listened).
    with h.db.transaction() as conn:
        conn.execute("UPDATE hub_products SET price = 777 WHERE sku = ?", [SKU])
        for version in (2, 3):
            conn.execute(
                "INSERT INTO hub_catalog_versions (version, skus, promotions, at)"
                " VALUES (?, '[]', '[]', '2026-01-01T00:00:00+00:00')",
                [version],
            )
        conn.execute("UPDATE hub_counters SET value = 3 WHERE name = 'catalogue_version'")
    v3 = CatalogueMessage(kind="delta", version=3, products=[]).signed(h.key)
    _raw_publish(broker, Topics().catalog_changes, protocol.encode(v3))
    wait_for(lambda: _version(a) == 3)

    def price() -> int:
        with ctx_of(a).db.read() as conn:
            return conn.execute("SELECT price FROM products WHERE sku = ?", [SKU]).fetchone()[0]

    # The hub's catch-up deltas (empty here) may reach v3 before the snapshot lands.
    wait_for(lambda: price() == 777)


def test_an_unsigned_catalogue_change_is_refused(
    hub: TestClient, node: NodeFactory, broker: Broker
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    evil = CatalogueMessage(
        kind="delta",
        version=2,
        products=[{"sku": SKU, "name_pl": "Za darmo", "price_minor": 0, "vat": "C"}],
    )
    _raw_publish(broker, Topics().catalog_changes, protocol.encode(evil))

    def dead() -> int:
        with ctx_of(a).db.read() as conn:
            return int(conn.execute("SELECT count(*) FROM sync_dead_letters").fetchone()[0])

    wait_for(lambda: dead() == 1)
    assert _version(a) == 1
    with ctx_of(a).db.read() as conn:
        assert conn.execute("SELECT price FROM products WHERE sku = ?", [SKU]).fetchone()[0] != 0


def test_a_fresh_store_gets_the_hubs_catalogue_by_snapshot_and_can_search_it(
    tmp_path, broker: Broker, node: NodeFactory
) -> None:  # type: ignore[no-untyped-def]
    from edge.domain.barcodes import with_check_digit
    from edge.domain.catalogue import Product
    from edge.domain.vat import VatRate
    from sync.hub.service import Hub
    from tests.integration.sync.conftest import hub_client, hub_settings

    hub = Hub(hub_settings(tmp_path / "hub", broker.url, demo=False))
    hub.import_products(
        [
            Product(
                sku=f"BIG-{i:05d}",
                names={"pl": f"Rower górski {i}", "en": f"Mountain bike {i}"},
                price=100_000 + i,
                vat=VatRate.A,
                barcodes=(with_check_digit(f"590{i:09d}"),),
            )
            for i in range(5000)
        ]
    )
    with hub_client(hub):
        a = node("A")  # seeded its own demo catalogue offline: the snapshot replaces it
        wait_for(lambda: _version(a) == 1)
    with ctx_of(a).db.read() as conn:
        active = conn.execute("SELECT count(*) FROM products WHERE active = 1").fetchone()[0]
    assert active == 5000  # the demo products the hub does not sell are deactivated
    found = a.get("/api/v1/products", params={"q": "rower gorski 4321"}).json()
    assert [p["sku"] for p in found["items"]] == ["BIG-04321"]
    code = with_check_digit(f"590{1234:09d}")
    assert a.get(f"/api/v1/lookup/{code}").json()["product"]["sku"] == "BIG-01234"
    assert a.get("/api/v1/products", params={"q": "mleko"}).json()["items"] == []
