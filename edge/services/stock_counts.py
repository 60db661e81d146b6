"""Stock counts: started (full or one category), scanned shelf by shelf, blind (staff see only
what they counted, never the book stock), and finished in ONE transaction that sets each level
through an adjustment movement recording the book and the counted quantity, with its outbox
event. The book stock is taken as of the count's start, so goods sold while staff counted are
neither counted nor lost."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from edge.domain import stock_documents as docs
from edge.domain.errors import Conflict, InvalidInput, NotFound
from edge.services.auth import Actor
from edge.services.catalogue import find
from edge.services.context import Context
from edge.services.stock_documents import commit
from edge.store import stock_docs_repo

MAX_SCAN_QTY = 999_999


def _open(conn: sqlite3.Connection, count_id: str) -> sqlite3.Row:
    row = stock_docs_repo.get(conn, count_id, "count")
    if row is None:
        raise NotFound(f"no count {count_id}")
    if row["status"] != "open":
        raise Conflict(f"count {count_id} is finished")
    return row


def start_count(ctx: Context, actor: Actor, scope: str = "full") -> dict[str, Any]:
    scope = docs.count_scope(scope)
    count_id = str(uuid.uuid4())
    with ctx.db.transaction() as conn:
        stock_docs_repo.insert(conn, count_id, "count", "open", staff=actor.username,
                               at=ctx.clock(), scope=scope,
                               ledger_mark=stock_docs_repo.ledger_mark(conn))  # fmt: skip
        return count_view(conn, count_id)


def scan(ctx: Context, actor: Actor, count_id: str, code: str, qty: int = 1) -> dict[str, Any]:
    """One scan (a barcode, a weighed item's GS1 code or a SKU) adds `qty` to its line; a
    weighed item's label adds its weight in grams. A negative `qty` takes back a wrong scan."""
    if qty == 0 or abs(qty) > MAX_SCAN_QTY:
        raise InvalidInput(f"a scan counts 1 to {MAX_SCAN_QTY} (or takes them back)")
    with ctx.db.transaction() as conn:
        row = _open(conn, count_id)
        product, label = find(ctx, conn, code)
        if label is not None and label.weight_g is not None:
            qty = label.weight_g if qty > 0 else -label.weight_g
        scope = row["scope"]
        if scope.startswith("category:") and product.category != scope.removeprefix("category:"):
            raise InvalidInput(f"{product.sku} is not in this count ({scope})")
        if stock_docs_repo.add_qty(conn, count_id, product.sku, qty) < 0:
            raise InvalidInput(f"{product.sku}: more taken back than was counted")
        return {"sku": product.sku, "counted": _counted(conn, count_id).get(product.sku, 0)}


def _counted(conn: sqlite3.Connection, count_id: str) -> dict[str, int]:
    return {r["sku"]: r["qty"] for r in stock_docs_repo.lines(conn, count_id)}


def finish_count(ctx: Context, actor: Actor, count_id: str) -> dict[str, Any]:
    with ctx.db.transaction() as conn:
        row = _open(conn, count_id)
        counted = _counted(conn, count_id)
        on_hand, in_scope = stock_docs_repo.book_now(conn, count_id, row["scope"])
        since = stock_docs_repo.moved_since(conn, row["ledger_mark"])
        book = {sku: n - since.get(sku, 0) for sku, n in on_hand.items()}
        settled = docs.settle_count(counted, book, in_scope)
        stock_docs_repo.set_lines(conn, count_id, [(ln.sku, ln.book, ln.counted)
                                                   for ln in settled])  # fmt: skip
        now = ctx.clock()
        stock_docs_repo.close(conn, count_id, "done", now)
        data = {"count_id": count_id, "scope": row["scope"], "started_at": row["created_at"],
                "staff": actor.username, "lines": [
                    {"sku": ln.sku, "book": ln.book, "counted": ln.counted,
                     "difference": ln.difference} for ln in settled]}  # fmt: skip
        moves = docs.count_movements(settled)
        result = commit(conn, ctx, actor, docs.COUNT, data, moves, now, ("count", count_id))
    ctx.hooks.outbox_written()
    return result


def count_view(conn: sqlite3.Connection, count_id: str) -> dict[str, Any]:
    row = stock_docs_repo.get(conn, count_id, "count")
    if row is None:
        raise NotFound(f"no count {count_id}")
    return stock_docs_repo.view(conn, row, book=row["status"] != "open")


def get_count(ctx: Context, count_id: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return count_view(conn, count_id)
