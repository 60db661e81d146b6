"""Messages the hub refuses: logged, counted per store and reason, and kept as dead letters
(truncated) within a per-store allowance per minute, so a store sending junk can neither fill
the hub's database nor make the hub spend its time writing it down."""

from __future__ import annotations

import logging

from edge.domain.errors import DomainError
from sync.hub.context import HubContext
from sync.hub.store import dead_letters as dead_letters_repo
from sync.hub.store.port import now_iso

log = logging.getLogger(__name__)
UNKNOWN_STORE = "?"  # a topic that names no store
# Distinct (store, reason) counts kept per worker: a reason may quote the payload (a batch
# claiming another store), and each new one would otherwise be a new metric series.
MAX_SERIES = 200
OTHER = "other"


def refuse(ctx: HubContext, topic: str, payload: bytes, exc: Exception) -> None:
    reason = exc.detail if isinstance(exc, DomainError) else str(exc)
    where = ctx.topics.store_of(topic)
    store_id = where[0] if where else UNKNOWN_STORE
    key = reason.split(":")[0][:40]
    stats = ctx.stats
    if (store_id, key) not in stats.refused and len(stats.refused) >= MAX_SERIES - 1:
        key = OTHER
    if key not in stats.rejected and len(stats.rejected) >= MAX_SERIES - 1:
        key = OTHER
    stats.rejected[key] += 1
    stats.refused[(store_id, key)] += 1
    limits = ctx.settings.dead_letters
    if not ctx.stats.dead_letter_budget.take(store_id, limits.per_store_per_minute):
        ctx.stats.unstored[store_id] += 1
        return
    log.warning("refused a message on %s: %s", topic, reason)
    with ctx.storage.transaction() as tx:
        dead_letters_repo.add(
            tx, at=now_iso(), topic=topic, reason=reason, payload=payload, keep=limits.keep_bytes
        )
