"""Messages from stores: each decoded and checked against the store its topic names, then
routed; a message the hub cannot use is logged, counted and dead-lettered, never applied.
Event batches found waiting together are applied together (replication.py)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from edge.domain.errors import DomainError, Unavailable
from sync import protocol
from sync.hub import catalogue, commands, replication
from sync.hub.context import HubContext
from sync.hub.nearby import Neighbours, push_whole_picture
from sync.hub.refusals import refuse
from sync.hub.store import counters
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import utc_iso
from sync.protocol import (
    Ack,
    CatalogueRequest,
    CommandAck,
    EventBatch,
    ProtocolError,
    StoreStatus,
)

log = logging.getLogger(__name__)


def handle(ctx: HubContext, neighbours: Neighbours, messages: Sequence[tuple[str, bytes]]) -> None:
    """Handles what arrived, in order, except that event batches wait for the end of the list
    and are applied in one go."""
    batches: list[tuple[str, EventBatch]] = []
    for topic, payload in messages:
        try:
            where = ctx.topics.store_of(topic)
            if where is None:
                raise ProtocolError(f"unexpected topic {topic}")
            store_id, leaf = where
            ctx.stats.received[leaf] += 1
            if leaf == "events":
                batch = protocol.decode(payload, EventBatch)
                if batch.store_id != store_id:
                    raise ProtocolError(f"batch for {batch.store_id} on {store_id}'s topic")
                batches.append((store_id, batch))
            elif leaf == "status":
                if payload:  # an empty retained message clears a status
                    on_status(ctx, neighbours, store_id, protocol.decode(payload, StoreStatus))
            elif leaf == "command-acks":
                commands.acknowledged(ctx, store_id, protocol.decode(payload, CommandAck))
            elif leaf == "catalog-requests":
                on_catalogue_request(ctx, store_id, protocol.decode(payload, CatalogueRequest))
            else:
                raise ProtocolError(f"unexpected topic {topic}")
        except Unavailable:
            raise  # the hub's database, not the store's message: nothing to refuse
        except (ProtocolError, DomainError) as exc:
            refuse(ctx, topic, payload, exc)
    if batches:
        replication.on_events(ctx, batches)


def on_status(ctx: HubContext, neighbours: Neighbours, store_id: str, status: StoreStatus) -> None:
    if status.store_id != store_id:
        raise ProtocolError(f"status for {status.store_id} on {store_id}'s topic")
    try:
        at = utc_iso(status.at)
    except ValueError:
        raise ProtocolError(f"status time {status.at!r} is not ISO 8601") from None
    with ctx.storage.transaction() as tx:
        stores_repo.ensure(tx, [store_id])
        before = stores_repo.get(tx, store_id)
        new_key = bool(status.public_key) and status.public_key != before["public_key"]
        stores_repo.record_status(
            tx,
            store_id,
            online=status.online,
            at=at,
            catalogue_version=status.catalogue_version,
            depth=status.outbox_depth,
            public_key=status.public_key,
        )
        current = counters.current(tx, counters.CATALOGUE_VERSION)
        applied = int(before["applied_seq"])
        greet = status.online and stores_repo.claim_greeting(
            tx, store_id, now=datetime.now(UTC).isoformat()
        )
    if new_key:
        catalogue.publish_store_keys(ctx)
    if not status.online:
        return
    # Whatever the store may have missed while away: our ack, its catalogue, its commands.
    ctx.publish(ctx.topics.acks(store_id), ctx.signed(Ack(store_id=store_id, acked_seq=applied)))
    if status.catalogue_version < current:
        catalogue.catch_up(ctx, store_id, status.catalogue_version)
    commands.resend(ctx, store_id=store_id)
    if greet:
        # New or back from an absence: its neighbours' whole picture, not just the news.
        push_whole_picture(ctx, neighbours, store_id)


def on_catalogue_request(ctx: HubContext, store_id: str, req: CatalogueRequest) -> None:
    if req.store_id != store_id:
        raise ProtocolError(f"catalogue request for {req.store_id} on {store_id}'s topic")
    catalogue.send_snapshot(ctx, store_id, requested=True)
