"""The hub's record of order status changes (hub_order_changes) on both engines: a status
reported again (a store re-sending after a restore, a progress update) is no new change, and a
store may not change another store's order."""

from __future__ import annotations

from sync.hub.store import Storage
from sync.hub.store import orders as orders_repo

AT = "2026-11-29T08:00:00+00:00"


def test_each_new_status_is_one_change_in_order(storage: Storage) -> None:
    with storage.transaction() as tx:
        orders_repo.add(
            tx, order_id="O-1", request_id=None, store_id="S001", status="sent",
            currency="PLN", total=549, prepaid=False, customer="{}", at=AT,
            lines=[orders_repo.Line("BAK-001-11", 1, 549)],
        )  # fmt: skip
    for status, store in (("received", "S001"), ("received", "S001"), ("ready", "S002"),
                          ("ready", "S001"), ("ready", "S001"), ("collected", None)):  # fmt: skip
        with storage.transaction() as tx:
            orders_repo.set_status(tx, "O-1", status=status, at=AT, store_id=store)
    with storage.read() as tx:
        rows = orders_repo.changes_after(tx, 0, 100)
        assert [r[3] for r in rows] == ["sent", "received", "ready", "collected"]
        assert [int(r[0]) for r in rows] == [1, 2, 3, 4]
        assert [r[3] for r in orders_repo.changes_after(tx, 2, 1)] == ["ready"]
