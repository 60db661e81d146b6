"""Write-offs, deliveries received and transfers between stores: each is one service call that
writes the document, its stock movements and its outbox event in ONE transaction (replicated
to the hub exactly once, like a sale)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from edge.domain import approvals
from edge.domain import stock_documents as docs
from edge.domain.catalogue import Product
from edge.domain.errors import ApprovalRequired, Conflict, InvalidInput, NotFound
from edge.domain.events import Event, levels_data
from edge.domain.staff import Role
from edge.domain.stock import Movement, MovementKind
from edge.services import documents
from edge.services.auth import Actor, approval
from edge.services.catalogue import find
from edge.services.context import Context
from edge.store import catalogue_repo, idempotency, outbox, stock_docs_repo, stock_repo


def resolved(
    ctx: Context, conn: sqlite3.Connection, lines: Sequence[tuple[str, int]]
) -> tuple[list[docs.Line], dict[str, Product]]:
    """Lines as typed or scanned — a SKU, a barcode, or a weighed item's GS1 label (each label
    counts its weight in grams) — with each SKU once, and their products. An unknown code
    refuses the whole document."""
    found: dict[str, Product] = {}
    pairs = []
    for code, qty in lines:
        product = catalogue_repo.get(conn, code)
        if product is None:
            product, label = find(ctx, conn, code)
            if label is not None and label.weight_g:
                qty *= label.weight_g
        found[product.sku] = product
        pairs.append((product.sku, qty))
    return docs.lines_of(pairs), found


def commit(
    conn: sqlite3.Connection,
    ctx: Context,
    actor: Actor,
    event_type: str,
    data: dict[str, Any],
    moves: Sequence[Movement],
    now: datetime,
    doc: tuple[str, str],
) -> dict[str, Any]:
    """The document's movements, its event (with the levels after them) and its non-fiscal slip,
    in the caller's transaction; returns the document (`doc`: its kind and id) as stored."""
    kind, doc_id = doc
    levels = stock_repo.record(conn, moves, ref=f"{kind}:{doc_id}", at=now)
    body = {**data, "store_id": ctx.store_id, "at": now.isoformat(), "stock": levels_data(levels)}
    outbox.append(conn, Event(event_type, body), now)
    slip = {k: v for k, v in body.items() if k != "stock"}
    documents.enqueue(conn, ctx, "stock", {**slip, "document": event_type,
                                           "register": actor.register})  # fmt: skip
    return stock_docs_repo.view(conn, _doc(conn, doc_id, kind))


def _first(
    conn: sqlite3.Connection, key: str | None, use: str, payload: object
) -> dict[str, Any] | None:
    """The first result of a retried request (same Idempotency-Key), looked up in the
    document's own transaction: a till retrying after a lost answer writes nothing twice."""
    if not key:
        return None
    first = idempotency.lookup(conn, key, use, idempotency.request_hash(payload))
    return None if first is None else {**first, "replayed": True}


def _keep(
    conn: sqlite3.Connection, ctx: Context, key: str | None, use: str, payload: object,
    result: dict[str, Any],
) -> None:  # fmt: skip
    if key:
        idempotency.remember(conn, key, use, idempotency.request_hash(payload), result,
                             ctx.clock())  # fmt: skip


def write_off(
    ctx: Context,
    actor: Actor,
    lines: Sequence[tuple[str, int]],
    reason: str,
    approver: tuple[str, str] | None = None,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Goods leave the books as damaged, expired or stolen; above the configured value only
    with a supervisor's approval."""
    why = docs.write_off_reason(reason)
    limit = ctx.settings.stock.write_off_approval_above
    with ctx.db.read() as conn:
        wanted, found = resolved(ctx, conn, lines)
        over = approvals.above_limit("a write-off", docs.value(wanted, found), limit)
    approved_by = approval(ctx, actor, Role.SUPERVISOR, approver, over) if over else None
    doc_id = str(uuid.uuid4())
    key, asked = idempotency_key, ("write_off", reason, lines)
    with ctx.db.transaction() as conn:
        if (first := _first(conn, key, "write_off", asked)) is not None:
            return first
        wanted, found = resolved(ctx, conn, lines)  # prices may have changed since
        worth = docs.value(wanted, found)
        if approvals.above_limit("a write-off", worth, limit) and approved_by is None:
            raise ApprovalRequired(f"a write-off worth {worth} needs a supervisor's approval")
        now = ctx.clock()
        stock_docs_repo.insert(conn, doc_id, "write_off", "done", staff=actor.username, at=now,
                               reason=why, approved_by=approved_by)  # fmt: skip
        stock_docs_repo.set_lines(conn, doc_id, [(ln.sku, 0, ln.qty) for ln in wanted])
        stock_docs_repo.close(conn, doc_id, "done", now)
        data = {"write_off_id": doc_id, "reason": why, "value": worth, "staff": actor.username,
                "approved_by": approved_by, "lines": docs.lines_data(wanted)}  # fmt: skip
        moves = docs.movements(wanted, MovementKind.WRITE_OFF)
        result = commit(conn, ctx, actor, docs.WRITE_OFF, data, moves, now, ("write_off", doc_id))
        _keep(conn, ctx, key, "write_off", asked, result)
    ctx.hooks.outbox_written()
    return result


def _doc(conn: sqlite3.Connection, doc_id: str, kind: str) -> sqlite3.Row:
    row = stock_docs_repo.get(conn, doc_id, kind)
    if row is None:
        raise NotFound(f"no {kind.replace('_', ' ')} {doc_id}")
    return row


def get(ctx: Context, doc_id: str, kind: str) -> dict[str, Any]:
    with ctx.db.read() as conn:
        return stock_docs_repo.view(conn, _doc(conn, doc_id, kind))


# --- deliveries ----------------------------------------------------------------------------------


def announce_delivery(
    conn: sqlite3.Connection, delivery_id: str, reference: str, lines: Sequence[tuple[str, int]],
    at: datetime,
) -> None:  # fmt: skip
    """A delivery the ERP announced (a hub command), in the caller's transaction; announcing it
    again changes nothing."""
    if stock_docs_repo.get(conn, delivery_id, "delivery") is not None:
        return
    wanted = docs.lines_of(lines)
    stock_docs_repo.insert(conn, delivery_id, "delivery", "announced", staff="erp", at=at,
                           reference=reference, reason="announced")  # fmt: skip
    stock_docs_repo.set_lines(conn, delivery_id, [(ln.sku, ln.qty, 0) for ln in wanted])


def deliveries(ctx: Context, open_only: bool = True) -> list[dict[str, Any]]:
    statuses = ("announced", "partial") if open_only else ("announced", "partial", "received")
    with ctx.db.read() as conn:
        return [stock_docs_repo.view(conn, r) for r in stock_docs_repo.listing(
            conn, "delivery", statuses)]  # fmt: skip


def receive_delivery(
    ctx: Context,
    actor: Actor,
    delivery_id: str | None,
    lines: Sequence[tuple[str, int]],
    *,
    reference: str = "",
    final: bool = False,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Goods counted in at the back door: stock rises by what was counted. `delivery_id` None:
    a delivery nobody announced (a direct supplier). Partial receipts add up; each one reports
    the differences against the announcement so far."""
    receipt_id = str(uuid.uuid4())
    key, asked = idempotency_key, ("delivery", delivery_id, reference, final, lines)
    with ctx.db.transaction() as conn:
        if (first := _first(conn, key, "delivery", asked)) is not None:
            return first
        counted, _ = resolved(ctx, conn, lines)
        now = ctx.clock()
        if delivery_id is None:
            delivery_id = receipt_id
            stock_docs_repo.insert(conn, delivery_id, "delivery", "announced", staff=actor.username,
                                   at=now, reference=reference, reason="unannounced")  # fmt: skip
        row = _doc(conn, delivery_id, "delivery")
        if row["status"] == "received":
            raise Conflict(f"delivery {delivery_id} was received in full already")
        before = stock_docs_repo.lines(conn, delivery_id)
        after = docs.receive({r["sku"]: r["expected"] for r in before},
                             {r["sku"]: r["qty"] for r in before}, counted)  # fmt: skip
        stock_docs_repo.set_lines(conn, delivery_id, [(ln.sku, ln.announced, ln.received)
                                                      for ln in after])  # fmt: skip
        complete = docs.delivery_complete(after, final)
        stock_docs_repo.close(conn, delivery_id, "received" if complete else "partial",
                              now if complete else None)  # fmt: skip
        data = {"delivery_id": delivery_id, "receipt_id": receipt_id,
                "reference": row["reference"], "announced": row["reason"] == "announced",
                "complete": complete, "staff": actor.username, "received": docs.lines_data(counted),
                "lines": [ln.data() for ln in after]}  # fmt: skip
        moves = docs.movements(counted, MovementKind.RECEIPT)
        doc = ("delivery", delivery_id)
        result = {**commit(conn, ctx, actor, docs.DELIVERY, data, moves, now, doc),
                  "receipt_id": receipt_id, "differences": [
                      ln.data() for ln in after if ln.difference]}  # fmt: skip
        _keep(conn, ctx, key, "delivery", asked, result)
    ctx.hooks.outbox_written()
    return result


# --- transfers -----------------------------------------------------------------------------------


def send_transfer(
    ctx: Context, actor: Actor, to_store: str, lines: Sequence[tuple[str, int]],
    idempotency_key: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Goods leave this store for another: off the books here, in transit until they land."""
    if to_store == ctx.store_id:
        raise InvalidInput("a transfer goes to another store")
    transfer_id = str(uuid.uuid4())
    key, asked = idempotency_key, ("transfer", to_store, lines)
    with ctx.db.transaction() as conn:
        if (first := _first(conn, key, "transfer", asked)) is not None:
            return first
        sent, _ = resolved(ctx, conn, lines)
        now = ctx.clock()
        stock_docs_repo.insert(conn, transfer_id, "transfer_out", "sent", staff=actor.username,
                               at=now, other_store=to_store)  # fmt: skip
        stock_docs_repo.set_lines(conn, transfer_id, [(ln.sku, 0, ln.qty) for ln in sent])
        data = {"transfer_id": transfer_id, "from_store": ctx.store_id, "to_store": to_store,
                "staff": actor.username, "lines": docs.lines_data(sent)}  # fmt: skip
        moves = docs.movements(sent, MovementKind.TRANSFER_OUT)
        doc = ("transfer_out", transfer_id)
        result = commit(conn, ctx, actor, docs.TRANSFER_SENT, data, moves, now, doc)
        _keep(conn, ctx, key, "transfer", asked, result)
    ctx.hooks.outbox_written()
    return result


def receive_transfer(
    ctx: Context, actor: Actor, transfer_id: str, from_store: str, lines: Sequence[tuple[str, int]]
) -> dict[str, Any]:
    """Goods from another store counted in here (once: the hub flags what arrives twice)."""
    if from_store == ctx.store_id:
        raise InvalidInput("a transfer comes from another store")
    with ctx.db.transaction() as conn:
        got, _ = resolved(ctx, conn, lines)
        kind = stock_docs_repo.kind_of(conn, transfer_id)
        if kind == "transfer_in":
            raise Conflict(f"transfer {transfer_id} was received here already")
        if kind is not None:
            raise InvalidInput(f"{transfer_id} is this store's {kind.replace('_', ' ')}")
        now = ctx.clock()
        stock_docs_repo.insert(conn, transfer_id, "transfer_in", "received",
                               staff=actor.username, at=now, other_store=from_store)  # fmt: skip
        stock_docs_repo.set_lines(conn, transfer_id, [(ln.sku, 0, ln.qty) for ln in got])
        stock_docs_repo.close(conn, transfer_id, "received", now)
        data = {"transfer_id": transfer_id, "from_store": from_store, "to_store": ctx.store_id,
                "staff": actor.username, "lines": docs.lines_data(got)}  # fmt: skip
        moves = docs.movements(got, MovementKind.TRANSFER_IN)
        doc = ("transfer_in", transfer_id)
        result = commit(conn, ctx, actor, docs.TRANSFER_RECEIVED, data, moves, now, doc)
    ctx.hooks.outbox_written()
    return result
