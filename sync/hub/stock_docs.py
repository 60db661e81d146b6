"""Store documents at the hub: applying write-offs, counts, delivery receipts and transfers
(handlers of sync/hub/event_handlers.py, run in the applying transaction), and what the API
shows of them: transfers in transit and the ones to look at (received twice, at the wrong store,
or not received in time)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sync.hub.store import stock_docs as repo
from sync.hub.store.port import Tx, utc_iso
from sync.protocol import EventRecord


def _doc(tx: Tx, store_id: str, kind: str, doc_id: str, ev: EventRecord) -> dict[str, Any]:
    d = ev.data
    repo.add_doc(tx, store_id, kind, str(doc_id), utc_iso(d.get("at", ev.at)), json.dumps(d))
    return d


def write_off(tx: Tx, store_id: str, ev: EventRecord, *_: object) -> None:
    _doc(tx, store_id, "write_off", ev.data["write_off_id"], ev)


def count(tx: Tx, store_id: str, ev: EventRecord, *_: object) -> None:
    _doc(tx, store_id, "count", ev.data["count_id"], ev)


def delivery(tx: Tx, store_id: str, ev: EventRecord, *_: object) -> None:
    d = _doc(tx, store_id, "delivery_receipt", ev.data["receipt_id"], ev)
    repo.delivery_received(
        tx, str(d["delivery_id"]), store_id, str(d.get("reference", "")),
        announced=bool(d.get("announced")),
        status="received" if d.get("complete") else "partial",
        lines=[(str(ln["sku"]), int(ln["announced"]), int(ln["received"])) for ln in d["lines"]],
        at=utc_iso(d.get("at", ev.at)),
    )  # fmt: skip


def transfer_sent(tx: Tx, store_id: str, ev: EventRecord, *_: object) -> None:
    # The sender is the topic's store, never what the payload says.
    d = _doc(tx, store_id, "transfer_sent", ev.data["transfer_id"], ev)
    repo.transfer_sent(tx, str(d["transfer_id"]), store_id, str(d["to_store"]),
              utc_iso(d.get("at", ev.at)), _lines(d))  # fmt: skip


def transfer_received(tx: Tx, store_id: str, ev: EventRecord, *_: object) -> None:
    d = _doc(tx, store_id, "transfer_received", ev.data["transfer_id"], ev)
    repo.transfer_received(tx, str(d["transfer_id"]), str(d["from_store"]), store_id,
                  utc_iso(d.get("at", ev.at)), _lines(d))  # fmt: skip


def _lines(d: dict[str, Any]) -> list[tuple[str, int]]:
    return [(str(ln["sku"]), int(ln["qty"])) for ln in d["lines"]]


def flags(t: dict[str, Any], overdue_before: str) -> list[str]:
    """Why a transfer needs someone's attention (empty: it does not)."""
    out = []
    receipts, sent_at = t["receipts"], t["sent_at"]
    if len(receipts) > 1:
        out.append(f"received {len(receipts)} times")
    if sent_at is not None:
        out += [f"sent to {t['to_store']}, received at {r['store_id']}"
                for r in receipts if r["store_id"] != t["to_store"]]  # fmt: skip
        if not receipts and sent_at <= overdue_before:
            out.append("not received in time")
    elif receipts and receipts[0]["at"] <= overdue_before:
        out.append("received, never sent")
    return out


def view(t: dict[str, Any], overdue_before: str) -> dict[str, Any]:
    in_transit = t["sent_at"] is not None and not t["receipts"]
    status = "in_transit" if in_transit else ("received" if t["sent_at"] else "arrived_unsent")
    return {
        **t,
        "status": status,
        "lines": [
            {**ln, "in_transit": ln["sent"] if in_transit else 0,
             "difference": ln["received"] - ln["sent"] if not in_transit else 0}
            for ln in t["lines"]
        ],
        "flags": flags(t, overdue_before),
    }  # fmt: skip


def transfers(
    tx: Tx, now: datetime, overdue_days: int, *, flagged: bool | None = None,
    status: str | None = None, limit: int = 500,
) -> list[dict[str, Any]]:  # fmt: skip
    """The newest transfers (at most `limit`), those in transit or flagged found by the
    database first, so a chain's years of transfers are never all read."""
    overdue_before = utc_iso(now - timedelta(days=overdue_days))
    ids = repo.transfer_ids(tx, in_transit=status == "in_transit", maybe_flagged=bool(flagged),
                            overdue_before=overdue_before, limit=limit)  # fmt: skip
    out = [view(t, overdue_before) for t in repo.transfers(tx, ids)]
    if flagged is not None:
        out = [t for t in out if bool(t["flags"]) == flagged]
    return [t for t in out if status is None or t["status"] == status]
