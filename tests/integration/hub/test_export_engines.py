"""The daily export reads the same on SQLite and PostgreSQL (timestamps, rows, day bounds)."""

from __future__ import annotations

import csv
import uuid
from datetime import date
from pathlib import Path

from sync.hub.export import export_day
from sync.hub.service import Hub
from sync.protocol import EventBatch, EventRecord
from tests.integration.sync.conftest import hub_settings


def _sale(seq: int, at: str) -> EventRecord:
    lines = [{"line_no": 1, "sku": "BAK-001-11", "qty": 2, "unit_price": 549, "total": 1098,
              "vat": "C"}]  # fmt: skip
    stock = [{"sku": "BAK-001-11", "on_hand": 3, "reserved": 0}]
    data = {"receipt_no": f"A-01-{seq}", "at": at, "currency": "PLN", "total": 1098,
            "lines": lines, "tenders": [], "stock": stock}  # fmt: skip
    return EventRecord(seq=seq, id=str(uuid.uuid4()), type="sale.completed", at=at, data=data)


def test_a_warsaw_day_on_either_engine(tmp_path: Path, database_url: str) -> None:
    h = Hub(hub_settings(tmp_path / "hub", None, database={"url": database_url}))
    try:
        h.on_events("A", EventBatch(store_id="A", events=[
            _sale(1, "2026-03-01T22:59:00+00:00"),  # 23:59 on 1 March in Warsaw
            _sale(2, "2026-03-01T23:00:00+00:00"),  # midnight: 2 March
            _sale(3, "2026-03-02T22:59:59+00:00"),  # the last second of 2 March
        ]))  # fmt: skip
        written = export_day(h.storage, date(2026, 3, 2), tmp_path / "out", "Europe/Warsaw")
    finally:
        h.close()
    assert written == {"sales": 2, "returns": 0, "stock": 1}
    with (tmp_path / "out" / "A" / "sales.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["receipt_no"] for r in rows] == ["A-01-2", "A-01-3"]
    assert rows[0]["at"].startswith("2026-03-01T23:00:00") and rows[0]["total"] == "1098"
