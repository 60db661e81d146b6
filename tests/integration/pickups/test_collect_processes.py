"""Two registers are two processes on one store database: the collection's transaction re-checks
the order under SQLite's write lock, so exactly one of them hands it over."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from edge.services.context import Context
from tests.conftest import login
from tests.integration.pickups.helpers import CODE, events, feed_order, level
from tests.waiting import TIMEOUT_S

A = "BAK-001-11"


def _register(data_dir: str, register: str, barrier: Any, results: Any) -> None:
    from edge.domain.errors import DomainError
    from edge.domain.staff import Role
    from edge.node import load_settings
    from edge.services import pickup_collection
    from edge.services.auth import Actor
    from edge.services.context import Context
    from edge.store.db import Database

    settings = load_settings(None, {"data_dir": Path(data_dir)})
    ctx = Context(Database(settings.db_path), settings)
    try:
        barrier.wait(timeout=TIMEOUT_S)
        pickup_collection.collect(ctx, Actor("cashier", Role.CASHIER, register), "W-P", CODE)
        results.put((register, "collected"))
    except DomainError as exc:
        results.put((register, exc.code))
    finally:
        ctx.db.close()


def test_two_register_processes_collect_one_order_exactly_one_wins(
    client: TestClient, ctx: Context
) -> None:
    a0 = level(ctx, A)
    feed_order(ctx, "W-P", [(A, 2, 549)])
    client.post("/api/v1/pickups/W-P/ready", json={"shelf": "P-2"}, headers=login(client))
    spawn = mp.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    procs = [
        spawn.Process(target=_register, args=(str(ctx.settings.data_dir), reg, barrier, results))
        for reg in ("01", "02")
    ]
    for p in procs:
        p.start()
    outcomes = sorted(results.get(timeout=2 * TIMEOUT_S)[1] for _ in procs)
    for p in procs:
        p.join(timeout=TIMEOUT_S)
        assert p.exitcode == 0
    assert outcomes == ["collected", "conflict"]
    assert level(ctx, A) == type(a0)(A, a0.on_hand - 2, a0.reserved)
    assert [e["status"] for e in events(ctx, "order.status")].count("collected") == 1
