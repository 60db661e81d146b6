"""Nearby availability: who hears about whose stock, and telling them.

Each store hears about at most `[nearby] max_neighbours` (10) other stores:
- its configured `neighbours` (`[stores.<id>] neighbours = [...]`), else
- the nearest stores by coordinates (`lat`, `lon` in the store list), else
- when no store has neighbours or coordinates configured (a small chain, the demo): the next
  stores in id order, round the ring, so each store is heard by as many as it hears about.
With neighbours or coordinates configured, a store that has neither hears about nobody.

Applying a batch marks the changed levels (`hub_nearby_changes`, one row per store and SKU); a
push every few hundred milliseconds tells each changed store's listeners, at most once per
`[nearby] interval_s` per store: the first change after a quiet spell goes out at once, the
changes during the interval go together in the next message, and a listener gets one message
per push whatever number of its neighbours changed. A store coming back online gets
its neighbours' whole picture, never the network's."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sync.hub.config import HubSettings
from sync.hub.context import HubContext
from sync.hub.store import stock as stock_repo
from sync.hub.store import stores as stores_repo
from sync.protocol import NearbyStock

log = logging.getLogger(__name__)
CHUNK = 5000  # levels per message in a whole picture


class Neighbours:
    def __init__(self, settings: HubSettings) -> None:
        self.cap = settings.nearby.max_neighbours
        self.entries = settings.stores
        self.configured = any(e.neighbours or e.lat is not None for e in self.entries.values())
        placed = {
            s: (e.lat, e.lon)
            for s, e in self.entries.items()
            if e.lat is not None and e.lon is not None
        }
        self._nearest: dict[str, list[str]] = {}
        for s, here in placed.items():
            others = sorted((_km(here, there), o) for o, there in placed.items() if o != s)
            self._nearest[s] = [o for _, o in others[: self.cap]]
        self._ring: tuple[tuple[str, ...], dict[str, list[str]]] = ((), {})

    def hears_about(self, store_id: str, known: Sequence[str] = ()) -> list[str]:
        """The stores whose stock `store_id` is told. `known`: every store the hub knows (for
        the ring, when nothing is configured)."""
        return self._hears(store_id, {} if self.configured else self._ring_of(known))

    def _hears(self, store_id: str, ring: dict[str, list[str]]) -> list[str]:
        entry = self.entries.get(store_id)
        if entry and entry.neighbours:
            return [s for s in entry.neighbours if s != store_id][: self.cap]
        if store_id in self._nearest:
            return self._nearest[store_id]
        return ring.get(store_id, [])

    def told_about(self, store_id: str, known: Sequence[str] = ()) -> list[str]:
        """The stores that hear about `store_id`'s stock."""
        return self.listeners([store_id], known)[store_id]

    def listeners(self, sources: Sequence[str], known: Sequence[str]) -> dict[str, list[str]]:
        """For each source store, who hears about it (one pass over the map)."""
        ring = {} if self.configured else self._ring_of(known)
        wanted = set(sources)
        out: dict[str, list[str]] = {s: [] for s in sources}
        for r in sorted(set(known) | set(self.entries)):
            for s in self._hears(r, ring):
                if s in wanted and s != r:
                    out[s].append(r)
        return out

    def _ring_of(self, known: Sequence[str]) -> dict[str, list[str]]:
        ids = tuple(sorted(set(known)))
        if self._ring[0] != ids:
            n = len(ids)
            self._ring = (
                ids,
                {s: [ids[(i + k) % n] for k in range(1, min(self.cap, n - 1) + 1)]
                 for i, s in enumerate(ids)},
            )  # fmt: skip
        return self._ring[1]


def _km(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Great-circle distance (haversine) in km."""
    lat1, lon1, lat2, lon2 = (math.radians(float(v or 0.0)) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def push_changes(ctx: HubContext, neighbours: Neighbours, now: datetime | None = None) -> int:
    """Tells neighbours what changed (see the module doc); returns the messages published."""
    if ctx.link is None or not ctx.link.connected:
        return 0  # the changes wait in the database for a connection
    now = now or datetime.now(UTC)
    since = now - timedelta(seconds=ctx.settings.nearby.interval_s)
    with ctx.storage.transaction() as tx:
        changed = stock_repo.claim_changes(tx, now=now.isoformat(), since=since.isoformat())
        known = stores_repo.ids(tx) if changed else []
    if not changed:
        return 0
    listeners = neighbours.listeners(list(changed), known)
    # One message per receiving store with everything its neighbours changed since the last
    # push (several neighbours changing in the same tick cost one publish, not one each).
    heard: dict[str, list[str]] = {}
    for source in changed:
        for receiver in listeners.get(source, []):
            heard.setdefault(receiver, []).append(source)
    levels = {source: [dict(r) for r in rows] for source, rows in changed.items()}
    sent, failed = 0, set[str]()
    for receiver, sources in sorted(heard.items()):
        msg = NearbyStock(
            levels=[lv for s in sources for lv in levels[s]],
            stores=[{"store_id": s, "name": ctx.store_name(s)} for s in sources],
        )
        if ctx.publish(ctx.topics.nearby(receiver), ctx.signed(msg)):
            sent += 1
        else:
            failed.update(sources)
    if failed:
        with ctx.storage.transaction() as tx:
            stock_repo.unclaim(tx, [(s, str(lv["sku"])) for s in failed for lv in levels[s]])
    ctx.stats.nearby_messages.inc(sent)
    ctx.stats.nearby_pushes += sent
    return sent


def push_whole_picture(ctx: HubContext, neighbours: Neighbours, store_id: str) -> int:
    """Everything `store_id` should know about its neighbours (it came online)."""
    with ctx.storage.read() as tx:
        others = neighbours.hears_about(store_id, stores_repo.ids(tx))
        rows: list[Any] = stock_repo.levels_of(tx, others)
    if not others:
        return 0
    stores = [{"store_id": s, "name": ctx.store_name(s)} for s in others]
    sent = 0
    for i in range(0, max(len(rows), 1), CHUNK):
        msg = NearbyStock(levels=[dict(r) for r in rows[i : i + CHUNK]], stores=stores)
        sent += ctx.publish(ctx.topics.nearby(store_id), ctx.signed(msg))
    ctx.stats.nearby_messages.inc(sent)
    ctx.stats.nearby_pushes += sent
    return sent
