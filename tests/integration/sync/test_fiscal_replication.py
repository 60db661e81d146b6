"""A sale registered on the node's fiscal device reaches the hub with the device's number."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.sync.brokers import wait_for
from tests.integration.sync.conftest import NodeFactory, ctx_of, depth, hub_of, sell


def test_sale_fiscalised_reaches_the_hub(hub: TestClient, node: NodeFactory) -> None:
    a = node("A", fiscal={"device": "emulator"})
    receipt_no = sell(ctx_of(a), "DAI-011-11")
    wait_for(lambda: depth(ctx_of(a)) == 0)

    def number() -> object:
        with hub_of(hub).db.read() as conn:
            row = conn.execute(
                "SELECT fiscal_number FROM hub_sales WHERE receipt_no = ?", [receipt_no]
            ).fetchone()
        return row[0] if row else None

    wait_for(lambda: number() == 1)
