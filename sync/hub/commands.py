"""Commands to stores: signed and recorded in the transaction that makes them (`issue`), sent
after its commit (`send`), sent again until acknowledged (`resend`, claimed in the database so
that of several workers one sends each), and their acknowledgements (`acknowledged`)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sync import protocol
from sync.hub.context import HubContext
from sync.hub.store import commands as commands_repo
from sync.hub.store import orders as orders_repo
from sync.hub.store import stock_docs as stock_docs_repo
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import Tx, now_iso, utc_iso
from sync.protocol import Command, CommandAck, ProtocolError

# A command sent less than this long ago is not sent again on a store's status (a status
# right after an order would otherwise double every fresh command).
FRESH_S = 1.0


def issue(
    ctx: HubContext, tx: Tx, store_id: str, kind: str, data: dict[str, Any], now: datetime
) -> Command:
    """Numbers (a per-store counter no two workers share), signs and records a command."""
    seq = stores_repo.next_command_seq(tx, store_id)
    cmd: Command = Command(
        id=str(uuid.uuid4()),
        seq=seq,
        store_id=store_id,
        type=kind,
        issued_at=now.isoformat(),
        data=data,
    ).signed(ctx.key)
    commands_repo.add(
        tx,
        id=cmd.id,
        store_id=store_id,
        seq=seq,
        type=kind,
        envelope=cmd.model_dump_json(),
        at=utc_iso(now),
    )
    return cmd


def send(ctx: HubContext, cmd: Command) -> None:
    """After the commit that recorded it."""
    if ctx.publish(ctx.topics.commands(cmd.store_id), protocol.encode(cmd)):
        with ctx.storage.transaction() as tx:
            commands_repo.mark_sent(tx, cmd.id, now_iso())


def resend(ctx: HubContext, store_id: str | None = None, older_than_s: float = 0.0) -> int:
    """Sends pending commands not sent for `older_than_s` (at least FRESH_S); returns how many."""
    if ctx.link is None or not ctx.link.connected:
        return 0  # claiming them now would only push their next try back
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=max(older_than_s, FRESH_S))
    with ctx.storage.transaction() as tx:
        envelopes = commands_repo.claim_for_sending(
            tx, now=now.isoformat(), older_than=cutoff.isoformat(), store_id=store_id
        )
    for envelope in envelopes:
        cmd = Command.model_validate_json(envelope)
        ctx.publish(ctx.topics.commands(cmd.store_id), protocol.encode(cmd))
    return len(envelopes)


def acknowledged(ctx: HubContext, store_id: str, ack: CommandAck) -> None:
    if ack.store_id != store_id:
        raise ProtocolError(f"command ack for {ack.store_id} on {store_id}'s topic")
    now = now_iso()
    with ctx.storage.transaction() as tx:
        row = commands_repo.get(tx, ack.id, store_id)
        if row is None:
            raise ProtocolError(f"ack for unknown command {ack.id}")
        if row["status"] != "pending":
            return
        commands_repo.acknowledge(tx, ack.id, status=ack.status, reason=ack.reason, now=now)
        if ack.status == "rejected" and row["type"] == "order.create":
            order_id = json.loads(row["envelope"])["data"]["order_id"]
            orders_repo.set_status(tx, order_id, status="rejected", at=now, reason=ack.reason)
        if ack.status == "rejected" and row["type"] == "delivery.announce":
            delivery_id = json.loads(row["envelope"])["data"]["delivery_id"]
            stock_docs_repo.delivery_status(tx, delivery_id, "rejected", now)
