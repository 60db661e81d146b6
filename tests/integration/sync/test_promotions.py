"""Promotions from the hub: one offer in every store (real broker, hub and nodes)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from edge.services import baskets
from edge.services.catalogue import import_catalogue
from edge.services.context import Context
from edge.store import catalogue_repo
from sync.hub.cli import hub_app
from sync.hub.store import catalogue as hub_catalogue
from sync.hub.store import counters
from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import CASHIER, NodeFactory, ctx_of, hub_of

SKU = "DAI-011-11"  # no demo promotion on it
PROMO = {
    "type": "promotion", "id": "PROMO-MILK-25", "sku": SKU, "kind": "percent", "value": 25,
    "starts": "2020-01-01", "ends": "2100-01-01", "label_pl": "-25%", "label_en": "25% off",
}  # fmt: skip


def _version(client: TestClient) -> int:
    return int(client.get("/api/v1/sync/status").json()["catalogue_version"])


def _import(hub: TestClient, *rows: dict) -> dict:
    body = "\n".join(json.dumps(r) for r in rows)
    r = hub.post(
        "/api/v1/catalog/import", content=body, headers={"content-type": "application/x-ndjson"}
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _promo_ids(client: TestClient) -> set[str]:
    with ctx_of(client).db.read() as conn:
        return {p.id for p in catalogue_repo.all_promotions(conn)}


def _priced_line(client: TestClient, sku: str, qty: int = 1):  # type: ignore[no-untyped-def]
    """Prices a new basket at the store, as the next scan there would."""
    ctx = ctx_of(client)
    view = baskets.create_basket(ctx, CASHIER)
    view, _ = baskets.add_line(ctx, view.basket.id, sku=sku, qty=qty)
    return view.priced.lines[0]


def test_a_promotion_imported_at_the_hub_prices_the_next_basket_and_ending_it_stops_it(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    assert _priced_line(a, SKU).promo_discount == 0
    out = _import(hub, PROMO)
    assert out == {
        "imported": 0,
        "version": 2,
        "promotions": 1,
        "ended_promotions": 0,
        "loyalty_rules": 0,
    }
    wait_for(lambda: _version(a) == 2)
    line = _priced_line(a, SKU, qty=2)
    assert line.promotion is not None and line.promotion.id == "PROMO-MILK-25"
    assert line.gross == 898 and line.promo_discount == 225  # 25 % of 8.98, half up
    # The kiosk's and POS's product view shows it too.
    assert a.get(f"/api/v1/products/{SKU}").json()["promotions"][0]["label"] == "-25%"
    # Ended at the hub (a CSV with only the id): gone at the store with the next version.
    r = hub.post(
        "/api/v1/catalog/import",
        content="promotion_id,active\nPROMO-MILK-25,false\n",
        headers={"content-type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["ended_promotions"] == 1
    wait_for(lambda: _version(a) == 3)
    assert "PROMO-MILK-25" not in _promo_ids(a)
    line = _priced_line(a, SKU, qty=2)
    assert (line.promotion, line.promo_discount) == (None, 0)


def test_a_store_that_missed_versions_catches_up_promotions_from_deltas(
    hub: TestClient, node: NodeFactory, tmp_path: Path
) -> None:
    """`store-edge hub import` writes the hub's database without publishing; the running hub
    sends the missed versions as deltas when the store next reports its older version."""
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    added, ended = tmp_path / "add.jsonl", tmp_path / "end.jsonl"
    added.write_text(json.dumps(PROMO) + "\n")
    ended.write_text('{"type": "promotion", "id": "PROMO-CHOC-20", "active": false}\n')
    for f in (added, ended):
        out = CliRunner().invoke(hub_app, ["import", str(f), "--data-dir", str(tmp_path / "hub")])
        assert out.exit_code == 0, out.output
    assert "1 ended" in out.output and "as catalogue v3" in out.output
    wait_for(lambda: _version(a) == 3)
    ids = _promo_ids(a)
    assert "PROMO-MILK-25" in ids and "PROMO-CHOC-20" not in ids


def test_a_fresh_store_gets_the_hubs_promotions_in_its_snapshot(
    hub: TestClient, node: NodeFactory
) -> None:
    # The demo hub seeds the same promotions as the demo store.
    with hub_of(hub).db.read() as conn:
        demo = {p.id for p in hub_catalogue.all_promotions(conn)}
    assert "PROMO-CHOC-20" in demo
    _import(hub, PROMO, {"type": "promotion", "id": "PROMO-CHOC-20", "active": False})
    b = node("B")  # seeds the demo promotions locally, then takes the hub's snapshot
    wait_for(lambda: _version(b) == 2)
    assert _promo_ids(b) == (demo - {"PROMO-CHOC-20"}) | {"PROMO-MILK-25"}
    assert _priced_line(b, SKU).promotion is not None
    assert _priced_line(b, "SWE-033-11").promo_discount == 0


def test_a_bad_promotion_row_is_refused_with_nothing_imported(
    hub: TestClient, node: NodeFactory
) -> None:
    a = node("A")
    wait_for(lambda: _version(a) == 1)
    h = hub_of(hub)
    good_product = {"sku": "NEW-9", "name_pl": "Nowy", "price": "3.00", "vat": "A"}
    cases = [
        ({**PROMO, "id": "P-BAD", "kind": "multibuy", "buy": 2, "pay": 3}, "line 3: promotion"),
        ({**PROMO, "id": "P-BAD", "sku": "NO-SUCH-SKU"}, "line 3: promotion P-BAD: sku NO-SUCH"),
    ]
    for bad, says in cases:
        body = "\n".join(json.dumps(r) for r in (good_product, PROMO, bad))
        r = hub.post(
            "/api/v1/catalog/import", content=body, headers={"content-type": "application/json"}
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["detail"].startswith(says), r.json()
    with h.db.read() as conn:
        assert counters.current(conn, counters.CATALOGUE_VERSION) == 1
        assert hub_catalogue.get(conn, "NEW-9") is None
        assert "PROMO-MILK-25" not in {p.id for p in hub_catalogue.all_promotions(conn)}
    assert "PROMO-MILK-25" not in _promo_ids(a) and _version(a) == 1


def test_a_store_on_its_own_imports_promotions_from_the_same_file(ctx: Context) -> None:
    """`store-edge catalog import` on a node without a hub reads the same promotion rows."""
    end = {"type": "promotion", "id": "PROMO-CHOC-20", "active": False}
    data = "\n".join(json.dumps(r) for r in (PROMO, end)).encode()
    assert import_catalogue(ctx, data, "jsonl") == 0
    with ctx.db.read() as conn:
        ids = {p.id for p in catalogue_repo.all_promotions(conn)}
    assert "PROMO-MILK-25" in ids and "PROMO-CHOC-20" not in ids
