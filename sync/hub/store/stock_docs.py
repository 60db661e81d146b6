"""Store documents at the hub: write-offs, counts and delivery receipts as their events said
(`hub_stock_docs`), announced deliveries with what arrived (`hub_deliveries`), and transfers
between stores with what is in transit (`hub_transfers`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx


def add_doc(tx: Tx, store_id: str, kind: str, doc_id: str, at: str, body: str) -> None:
    tx.execute(
        "INSERT INTO hub_stock_docs (store_id, kind, doc_id, at, body) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (store_id, kind, doc_id) DO NOTHING",  # a restored store's again
        [store_id, kind, doc_id, at, body],
    )


def docs(tx: Tx, store_id: str, kind: str) -> list[Any]:
    return tx.all(
        "SELECT doc_id, at, body FROM hub_stock_docs WHERE store_id = ? AND kind = ?"
        " ORDER BY at, doc_id",
        [store_id, kind],
    )


# --- deliveries ----------------------------------------------------------------------------------


def announce(
    tx: Tx, delivery_id: str, store_id: str, reference: str, lines: Sequence[tuple[str, int]],
    now: str,
) -> None:  # fmt: skip
    tx.execute(
        "INSERT INTO hub_deliveries (delivery_id, store_id, reference, announced, status,"
        " created_at, updated_at) VALUES (?, ?, ?, 1, 'announced', ?, ?)",
        [delivery_id, store_id, reference, now, now],
    )
    tx.executemany(
        "INSERT INTO hub_delivery_lines (delivery_id, sku, announced) VALUES (?, ?, ?)",
        [(delivery_id, sku, qty) for sku, qty in lines],
    )


def delivery_status(tx: Tx, delivery_id: str, status: str, now: str) -> None:
    tx.execute(
        "UPDATE hub_deliveries SET status = ?, updated_at = ? WHERE delivery_id = ?",
        [status, now, delivery_id],
    )


def delivery_received(
    tx: Tx, delivery_id: str, store_id: str, reference: str, *, announced: bool, status: str,
    lines: Sequence[tuple[str, int, int]], at: str,
) -> None:  # fmt: skip
    """The store's picture of the delivery after a receipt: (sku, announced, received) totals."""
    tx.execute(
        "INSERT INTO hub_deliveries (delivery_id, store_id, reference, announced, status,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id)"
        " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
        [delivery_id, store_id, reference, int(announced), status, at, at],
    )
    tx.executemany(
        "INSERT INTO hub_delivery_lines (delivery_id, sku, announced, received) VALUES (?,?,?,?)"
        " ON CONFLICT (delivery_id, sku) DO UPDATE SET received = excluded.received",
        [(delivery_id, sku, ann, got) for sku, ann, got in lines],
    )


def delivery_ids(tx: Tx, *, store_id: str | None, status: str | None, limit: int) -> list[str]:
    """The newest deliveries, of one store and/or in one status."""
    given = {k: v for k, v in (("store_id", store_id), ("status", status)) if v is not None}
    where = " AND ".join(f"{k} = ?" for k in given) or "1 = 1"
    sql = f"SELECT delivery_id FROM hub_deliveries WHERE {where}"
    return [str(r[0]) for r in tx.all(sql + " ORDER BY updated_at DESC, delivery_id LIMIT ?",
                                      [*given.values(), limit])]  # fmt: skip


def delivery(tx: Tx, delivery_id: str) -> dict[str, Any] | None:
    row = tx.one("SELECT * FROM hub_deliveries WHERE delivery_id = ?", [delivery_id])
    if row is None:
        return None
    out = dict(row)
    out["announced"] = bool(out["announced"])
    out["lines"] = [
        {"sku": r[0], "announced": r[1], "received": r[2], "difference": r[2] - r[1]}
        for r in tx.all(
            "SELECT sku, announced, received FROM hub_delivery_lines WHERE delivery_id = ?"
            " ORDER BY sku",
            [delivery_id],
        )
    ]
    return out


# --- transfers -----------------------------------------------------------------------------------


def transfer_sent(
    tx: Tx, transfer_id: str, from_store: str, to_store: str, at: str,
    lines: Sequence[tuple[str, int]],
) -> None:  # fmt: skip
    """A transfer's send (the two stores' streams are independent: its receipt may be here
    already). Told again (a restored store), it changes nothing."""
    first = tx.one(
        "INSERT INTO hub_transfers (transfer_id, from_store, to_store, sent_at) VALUES (?,?,?,?)"
        " ON CONFLICT (transfer_id) DO UPDATE SET from_store = excluded.from_store,"
        " to_store = excluded.to_store, sent_at = excluded.sent_at"
        " WHERE hub_transfers.sent_at IS NULL RETURNING transfer_id",
        [transfer_id, from_store, to_store, at],
    )
    if first is not None:
        _add_lines(tx, transfer_id, [(sku, qty, 0) for sku, qty in lines])


def transfer_received(
    tx: Tx, transfer_id: str, from_store: str, store_id: str, at: str,
    lines: Sequence[tuple[str, int]],
) -> None:  # fmt: skip
    """A receipt of a transfer at `store_id`; the same receipt told again changes nothing."""
    tx.execute(
        "INSERT INTO hub_transfers (transfer_id, from_store) VALUES (?, ?)"
        " ON CONFLICT (transfer_id) DO NOTHING",
        [transfer_id, from_store],
    )
    first = tx.one(
        "INSERT INTO hub_transfer_receipts (transfer_id, store_id, at) VALUES (?, ?, ?)"
        " ON CONFLICT (transfer_id, store_id, at) DO NOTHING RETURNING transfer_id",
        [transfer_id, store_id, at],
    )
    if first is not None:
        _add_lines(tx, transfer_id, [(sku, 0, qty) for sku, qty in lines])


def _add_lines(tx: Tx, transfer_id: str, lines: Sequence[tuple[str, int, int]]) -> None:
    tx.executemany(
        "INSERT INTO hub_transfer_lines (transfer_id, sku, sent, received) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (transfer_id, sku) DO UPDATE SET sent = hub_transfer_lines.sent"
        " + excluded.sent, received = hub_transfer_lines.received + excluded.received",
        [(transfer_id, sku, sent, got) for sku, sent, got in lines],
    )


_RECEIPTS = "SELECT {} FROM hub_transfer_receipts r WHERE r.transfer_id = t.transfer_id"
_IN_TRANSIT = f"t.sent_at IS NOT NULL AND NOT EXISTS ({_RECEIPTS.format(1)})"
# Whatever may carry a flag (sync/hub/stock_docs.py `flags` decides): received more than once,
# received somewhere else than sent to, not received in time, received and never sent.
_MAYBE_FLAGGED = (
    f"(({_RECEIPTS.format('count(*)')}) > 1"
    f" OR (t.sent_at IS NOT NULL AND EXISTS ({_RECEIPTS.format(1)} AND r.store_id <> t.to_store))"
    f" OR ({_IN_TRANSIT} AND t.sent_at <= ?)"
    f" OR (t.sent_at IS NULL AND EXISTS ({_RECEIPTS.format(1)} AND r.at <= ?)))"
)


def transfer_ids(
    tx: Tx, *, in_transit: bool, maybe_flagged: bool, overdue_before: str, limit: int
) -> list[str]:
    """The newest transfers (sent first, newest first), narrowed to those in transit and/or
    those that may carry a flag."""
    where, params = [], []
    if in_transit:
        where.append(_IN_TRANSIT)
    if maybe_flagged:
        where.append(_MAYBE_FLAGGED)
        params += [overdue_before, overdue_before]
    sql = "SELECT t.transfer_id FROM hub_transfers t"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY t.sent_at IS NULL, t.sent_at DESC, t.transfer_id LIMIT ?"
    return [str(r[0]) for r in tx.all(sql, [*params, limit])]


def transfers(tx: Tx, transfer_ids: Sequence[str]) -> list[dict[str, Any]]:
    """These transfers with their lines and receipts."""
    if not transfer_ids:
        return []
    params = list(transfer_ids)
    where = f" WHERE transfer_id IN ({tx.marks(len(transfer_ids))})"
    found = {str(r["transfer_id"]): dict(r) for r in tx.all(
        f"SELECT * FROM hub_transfers{where}", params)}  # fmt: skip
    rows = [found[i] for i in transfer_ids if i in found]
    receipts: dict[str, list[dict[str, Any]]] = {}
    for r in tx.all(
        f"SELECT transfer_id, store_id, at FROM hub_transfer_receipts{where}"
        " ORDER BY transfer_id, at",
        params,
    ):
        receipts.setdefault(str(r[0]), []).append({"store_id": r[1], "at": r[2]})
    lines: dict[str, list[dict[str, Any]]] = {}
    for r in tx.all(
        f"SELECT transfer_id, sku, sent, received FROM hub_transfer_lines{where}"
        " ORDER BY transfer_id, sku",
        params,
    ):
        lines.setdefault(str(r[0]), []).append({"sku": r[1], "sent": r[2], "received": r[3]})
    for t in rows:
        t["lines"] = lines.get(t["transfer_id"], [])
        t["receipts"] = receipts.get(t["transfer_id"], [])
    return rows
