"""A store's `sale.fiscalised` event gives the hub's copy of the sale the fiscal device's
document number, on both storage engines, also when the sale arrives in the same group."""

from __future__ import annotations

import uuid

from sync.hub.apply import apply_batches
from sync.hub.store import Storage
from sync.protocol import EventBatch, EventRecord

AT = "2026-03-01T10:00:00+00:00"


def _event(seq: int, kind: str, data: dict[str, object]) -> EventRecord:
    return EventRecord(seq=seq, id=str(uuid.uuid4()), type=kind, at=AT, data=data)


def test_the_device_number_reaches_the_hub(storage: Storage) -> None:
    sale = {"receipt_no": "A-01-000001", "at": AT, "currency": "PLN", "total": 450,
            "tenders": [{"type": "cash", "amount": 500}],
            "lines": [{"line_no": 1, "sku": "X-1", "qty": 1, "unit_price": 450, "total": 450,
                       "vat": "A"}]}  # fmt: skip
    fiscalised = {"receipt_no": "A-01-000001", "store_id": "A", "number": 41, "total": 450,
                  "at": "2026-03-01T10:00:02+00:00"}  # fmt: skip
    batch = EventBatch(
        store_id="A",
        events=[_event(1, "sale.completed", sale), _event(2, "sale.fiscalised", fiscalised)],
    )
    with storage.transaction() as tx:
        [done] = apply_batches(storage, tx, [("A", batch)], AT, gap_since=AT)
    assert done.applied == 2
    with storage.read() as tx:
        row = tx.one(
            "SELECT fiscal_number, fiscalised_at FROM hub_sales WHERE receipt_no = ?",
            ["A-01-000001"],
        )
        errors = tx.one("SELECT count(*) FROM hub_events WHERE error IS NOT NULL")
    assert row is not None and row[0] == 41 and str(row[1]).startswith("2026-03-01")
    assert errors is not None and errors[0] == 0
