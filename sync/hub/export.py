"""Daily CSV exports for the ERP and the data warehouse (`store-edge hub export --day`): per
store, the day's sale lines, its returns (a row per returned line) and the stock levels as the
hub knows them when the export runs (run it after the day's close). The day is a calendar day
in the chain's time zone."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sync.hub.store import exports
from sync.hub.store.port import Storage, utc_iso

SALES = ("store_id", "receipt_no", "at", "line_no", "sku", "qty", "unit_price", "total", "vat",
         "returned", "currency")  # fmt: skip
RETURNS = ("store_id", "return_id", "at", "original_kind", "original_ref", "offline", "flagged",
           "sku", "qty", "refund", "reason", "disposition")  # fmt: skip
STOCK = ("store_id", "sku", "on_hand", "reserved", "as_of")


def day_bounds(day: date, tz: str) -> tuple[str, str]:
    """The day's start and the next day's start, in UTC as the hub stores timestamps."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(), zone)
    return utc_iso(start), utc_iso(datetime.combine(day + timedelta(days=1), time(), zone))


def export_day(storage: Storage, day: date, out: Path, tz: str) -> dict[str, int]:
    """Writes <out>/<store_id>/{sales,returns,stock}.csv; returns the rows written per file."""
    start, end = day_bounds(day, tz)
    with storage.read() as tx:
        sales, rets, levels = (exports.sale_lines(tx, start, end), exports.returns(tx, start, end),
                               exports.stock(tx))  # fmt: skip
    by_store: dict[str, dict[str, list[Sequence[object]]]] = defaultdict(
        lambda: {"sales": [], "returns": [], "stock": []}
    )
    for r in sales:
        by_store[r[0]]["sales"].append(tuple(r))
    for r in rets:
        for ln in json.loads(r[7]).get("lines", []):
            by_store[r[0]]["returns"].append(
                (*tuple(r)[:7], ln.get("sku"), ln.get("qty"), ln.get("refund"),
                 ln.get("reason"), ln.get("disposition"))
            )  # fmt: skip
    for r in levels:
        by_store[r[0]]["stock"].append(tuple(r))
    written = {"sales": 0, "returns": 0, "stock": 0}
    for store_id, files in sorted(by_store.items()):
        for name, header in (("sales", SALES), ("returns", RETURNS), ("stock", STOCK)):
            _write(out / store_id / f"{name}.csv", header, files[name])
            written[name] += len(files[name])
    return written


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Written to a temporary name and renamed: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".csv.part")
    with part.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    part.replace(path)
