"""Store events in, acks out: a group of batches applied in one transaction (apply.py), then one
ack per batch, the orders kiosks asked for, and — for a gap that outlasted the grace — a request
to resend (never at once: with several workers the missing batch is usually being applied by
another worker at that moment)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sync.hub import commands, orders
from sync.hub.applied import Applied
from sync.hub.apply import Unusable, apply_batches
from sync.hub.context import HubContext
from sync.hub.store import stores as stores_repo
from sync.hub.store.port import Tx
from sync.protocol import Ack, Command, EventBatch, ProtocolError

log = logging.getLogger(__name__)


def on_events(ctx: HubContext, batches: Sequence[tuple[str, EventBatch]]) -> list[Applied]:
    """Applies the batches (each checked against its topic's store first) in one transaction;
    if the group fails as a whole, each batch alone, so one store's poison cannot hold back
    the others. Acks and commands go out after the commit."""
    for store_id, batch in batches:
        if batch.store_id != store_id:
            raise ProtocolError(f"batch for {batch.store_id} on {store_id}'s topic")
    if not batches:
        return []
    try:
        return _apply_and_ack(ctx, batches)
    except Exception:
        if len(batches) == 1:
            raise
        log.exception("a group of %d batches failed: applying them one by one", len(batches))
    done: list[Applied] = []
    for one in batches:
        try:
            done.extend(_apply_and_ack(ctx, [one]))
        except Exception:
            log.exception("applying a batch of %s failed; it stays unacknowledged", one[0])
    return done


def _apply_and_ack(ctx: HubContext, batches: Sequence[tuple[str, EventBatch]]) -> list[Applied]:
    started = time.perf_counter()
    now = datetime.now(UTC)
    grace = now - timedelta(seconds=ctx.settings.gap_grace_s)

    def work(careful: bool) -> Callable[[Tx], tuple[list[Applied], list[Command]]]:
        def run(tx: Tx) -> tuple[list[Applied], list[Command]]:
            done = apply_batches(
                ctx.storage, tx, batches, now.isoformat(), gap_since=grace.isoformat(),
                careful=careful,
            )  # fmt: skip
            cmds = [
                cmd
                for d in done
                for req in d.requested_orders
                if (cmd := orders.from_request(ctx, tx, req, now)) is not None
            ]
            return done, cmds

        return run

    try:
        done, cmds = ctx.storage.run(work(careful=False))
    except Unusable:  # rolled back: again, event by event
        done, cmds = ctx.storage.run(work(careful=True))
    ctx.stats.batch_seconds.observe(time.perf_counter() - started)
    _count(ctx, batches, done, now)
    # Acks are cumulative: a store with several batches in the group gets the last one (and
    # a resend request if any of its batches made one).
    acks: dict[str, Ack] = {}
    for d in done:
        asked = d.resend_from or (acks[d.store_id].resend_from if d.store_id in acks else None)
        acks[d.store_id] = Ack(store_id=d.store_id, acked_seq=d.acked_seq, resend_from=asked)
    for store_id, ack in acks.items():
        ctx.publish(ctx.topics.acks(store_id), ctx.signed(ack))
    for cmd in cmds:
        commands.send(ctx, cmd)
    return done


def _count(
    ctx: HubContext, batches: Sequence[tuple[str, EventBatch]], done: list[Applied], now: datetime
) -> None:
    s = ctx.stats
    for (_, batch), d in zip(batches, done, strict=True):
        s.applied.inc(d.applied)
        s.duplicates.inc(d.duplicates)
        if d.resend_from is not None:
            s.resend_requests.inc()
            s.resends += 1
        if d.applied:
            newest = max(batch.events, key=lambda e: e.seq)
            try:
                at = datetime.fromisoformat(newest.at)
            except ValueError:
                continue
            if at.tzinfo is None:
                at = at.replace(tzinfo=UTC)
            s.event_lag_seconds.observe(max(0.0, (now - at).total_seconds()))


def ask_resends(ctx: HubContext) -> int:
    """Stores whose gap outlasted the grace with no batch coming to ask them: ask now (one
    worker per store and grace period, claimed in the database)."""
    now = datetime.now(UTC)
    since = (now - timedelta(seconds=ctx.settings.gap_grace_s)).isoformat()
    asked = 0
    with ctx.storage.read() as tx:
        stale = stores_repo.stale_gaps(tx, since)
    for store_id in stale:
        with ctx.storage.transaction() as tx:
            start = stores_repo.claim_resend_request(tx, store_id, now=now.isoformat(), since=since)
        if start is None:
            continue
        ack = Ack(store_id=store_id, acked_seq=start - 1, resend_from=start)
        if ctx.publish(ctx.topics.acks(store_id), ctx.signed(ack)):
            ctx.stats.resend_requests.inc()
            ctx.stats.resends += 1
            asked += 1
    return asked
