"""The ERP's feed (`hub_feed`): every applied document once, numbered in the order applied."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sync.hub.store.port import Tx

# store_id, seq, type, at, applied_at, data (JSON text)
Item = tuple[str, int, str, str, str, str]


def append(tx: Tx, items: Sequence[Item]) -> None:
    """Numbers the items after the last position and writes them. Called last in the applying
    transaction: the counter row stays locked until the commit, so positions commit in order."""
    if not items:
        return
    last = int(
        tx.scalar(
            "UPDATE hub_counters SET value = value + ? WHERE name = 'feed_position'"
            " RETURNING value",
            [len(items)],
        )
    )
    first = last - len(items) + 1
    tx.executemany(
        "INSERT INTO hub_feed (position, store_id, seq, type, at, applied_at, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(first + i, *item) for i, item in enumerate(items)],
    )


def last(tx: Tx) -> int:
    return int(tx.scalar("SELECT value FROM hub_counters WHERE name = 'feed_position'") or 0)


def page_json(rows: Sequence[Any], after: int) -> str:
    """A page of the feed as JSON: `items` (each with its `cursor`) and `next`, the cursor to
    read on from. The documents' data goes out as the stores wrote it, without parsing it."""
    items = ",".join(
        f'{{"cursor":{r[0]},"store_id":{json.dumps(r[1])},"seq":{r[2]},'
        f'"type":{json.dumps(r[3])},"at":{json.dumps(str(r[4]))},'
        f'"applied_at":{json.dumps(str(r[5]))},"data":{r[6]}}}'
        for r in rows
    )
    return f'{{"items":[{items}],"next":{rows[-1][0] if rows else after}}}'


def after(tx: Tx, position: int, limit: int) -> list[Any]:
    return tx.all(
        "SELECT position, store_id, seq, type, at, applied_at, data FROM hub_feed"
        " WHERE position > ? ORDER BY position LIMIT ?",
        [position, limit],
    )
