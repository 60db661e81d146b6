"""Housekeeping every worker runs now and then: next months' partitions (PostgreSQL) and
retention of events, sales and dead letters (once a day, claimed in the database so one
worker of a group runs it)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sync.hub.context import HubContext
from sync.hub.store import retention

log = logging.getLogger(__name__)
RETENTION_EVERY = timedelta(days=1)


def run(ctx: HubContext, now: datetime | None = None) -> dict[str, int]:
    """Returns what retention removed (empty when it was not this worker's turn)."""
    now = now or datetime.now(UTC)
    with ctx.storage.transaction() as tx:
        ctx.storage.partitions(tx, now)
    if not retention.claim(
        ctx.storage,
        "retention",
        now=now.isoformat(),
        since=(now - RETENTION_EVERY).isoformat(),
    ):
        return {}
    cutoff = now - timedelta(days=ctx.settings.retention.days)
    removed = retention.prune(ctx.storage, cutoff)
    letters_cutoff = now - timedelta(days=ctx.settings.dead_letters.keep_days)
    removed |= retention.prune(ctx.storage, letters_cutoff, retention.DEAD_LETTERS)
    if any(removed.values()):
        log.info("retention: removed before %s: %s", cutoff.date(), removed)
    return removed
