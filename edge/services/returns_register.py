"""The returns register (ewidencja zwrotów): a Polish shop registers no return on the fiscal
device, so it keeps this list instead, one row per returned line, each backed by a return
protocol signed by the customer. Exported as CSV for the accountant."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from edge.services.context import Context

COLUMNS = (
    "return_id", "at", "register", "original_kind", "original_ref", "original_store",
    "line_no", "sku", "name", "qty", "unit_price", "refund", "reason", "disposition",
    "refund_total", "currency", "tenders", "exchange_receipt_no", "offline", "cashier",
    "approved_by",
)  # fmt: skip


def rows(
    ctx: Context, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Return lines from `since` to `until` (inclusive days, UTC), oldest first."""
    where, params = [], []
    if since is not None:
        where.append("r.at >= ?")
        params.append(since.isoformat())
    if until is not None:
        where.append("r.at < ?")
        params.append((until + timedelta(days=1)).isoformat())
    sql = (
        "SELECT r.*, l.line_no, l.sku, l.qty, l.unit_price, l.refund, l.reason, l.disposition,"
        " coalesce(p.name_pl, l.sku) AS name FROM returns r"
        " JOIN return_lines l ON l.return_id = r.return_id"
        " LEFT JOIN products p ON p.sku = l.sku"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY r.at, r.return_id, l.line_no"
    )
    with ctx.db.read() as conn:
        found = conn.execute(sql, params).fetchall()
    out = []
    for row in found:
        item = {c: row[c] for c in COLUMNS if c not in ("tenders",)}
        tenders = json.loads(row["tenders"] or "[]")
        item["tenders"] = "; ".join(f"{t[0]} {t[1]}" for t in tenders)  # [type, amount, ref]
        out.append(item)
    return out


def to_csv(lines: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(lines)
    return buf.getvalue()
