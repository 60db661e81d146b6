"""Looking up completed sales."""

from __future__ import annotations

from edge.domain.errors import NotFound
from edge.domain.sale import Sale
from edge.services.context import Context
from edge.store import sales_repo


def get_sale(ctx: Context, receipt_no: str) -> Sale:
    with ctx.db.read() as conn:
        sale = sales_repo.get(conn, receipt_no)
    if sale is None:
        raise NotFound(f"no sale with receipt number {receipt_no}")
    return sale
