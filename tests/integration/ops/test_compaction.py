"""Compaction deletes only what the hub acknowledged (and receipts printed) long ago."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from edge.domain.events import Event
from edge.ops.compaction import Compactor, compact, ensure_incremental
from edge.ops.config import OpsConfig
from edge.services.context import Context
from edge.store import outbox
from tests.waiting import wait_until_async

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def events(ctx: Context, ages_days: list[int], size: int = 2000) -> list[int]:
    with ctx.db.transaction() as conn:
        return [
            outbox.append(conn, Event("test.event", {"pad": "x" * size}), NOW - timedelta(days=d))
            for d in ages_days
        ]


def remaining(ctx: Context) -> list[int]:
    with ctx.db.read() as conn:
        return [r[0] for r in conn.execute("SELECT seq FROM outbox ORDER BY seq")]


def pages(ctx: Context) -> int:
    with ctx.db.read() as conn:
        return conn.execute("PRAGMA page_count").fetchone()[0]


def test_deletes_old_acknowledged_events_keeps_unacknowledged_and_recent(ctx: Context) -> None:
    with ctx.db.transaction() as conn:
        conn.execute("DELETE FROM outbox")
    old_acked = events(ctx, [30] * 200)
    recent_acked = events(ctx, [1, 1])
    old_unacked = events(ctx, [40, 40])  # the hub never confirmed these: they stay
    with ctx.db.transaction() as conn:
        conn.execute(
            "UPDATE sync_state SET value = ? WHERE key = 'acked_seq'", [str(recent_acked[-1])]
        )
    # The node's start-up (the Compactor component, in the client's lifespan) switched the
    # file to incremental vacuum; nothing to do a second time.
    assert ensure_incremental(str(ctx.db.path)) is False
    pages_before = pages(ctx)

    done = compact(ctx.db, NOW, OpsConfig(outbox_keep_days=7))

    assert done.events == len(old_acked)
    assert remaining(ctx) == recent_acked + old_unacked
    with ctx.db.read() as conn:
        assert conn.execute("PRAGMA auto_vacuum").fetchone()[0] == 2  # incremental from now on
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert pages(ctx) < pages_before - 100  # ~200 events of 2 kB gave their pages back
    # A second run finds nothing to do and runs the incremental vacuum path.
    assert compact(ctx.db, NOW, OpsConfig(outbox_keep_days=7)).events == 0


def test_finished_print_jobs_are_compacted_and_owed_receipts_kept(ctx: Context) -> None:
    old, recent = (NOW - timedelta(days=60)).isoformat(), (NOW - timedelta(days=2)).isoformat()
    # For a printer no longer configured: the node's running print worker must not pick the
    # queued job up (and fail it) while the test looks at it.
    with ctx.db.transaction() as conn:
        conn.executemany(
            "INSERT INTO print_jobs (printer, kind, payload, state, next_at, created_at, done_at)"
            " VALUES ('retired', 'receipt', '{}', ?, ?, ?, ?)",
            [
                ("done", old, old, old),
                ("done", recent, recent, recent),
                ("expired", old, old, None),
                ("failed", old, old, None),
                ("queued", old, old, None),
            ],
        )
    done = compact(ctx.db, NOW, OpsConfig(print_jobs_keep_days=30))
    assert done.print_jobs == 2
    with ctx.db.read() as conn:
        left = [r[0] for r in conn.execute("SELECT state FROM print_jobs ORDER BY id")]
    assert left == ["done", "failed", "queued"]  # a receipt not on paper is never dropped


def test_old_sync_dead_letters_are_compacted_and_kept_short(ctx: Context) -> None:
    from sync import edge_store

    old, recent = (NOW - timedelta(days=60)).isoformat(), (NOW - timedelta(days=2)).isoformat()
    with ctx.db.transaction() as conn:
        for at in (old, recent):
            edge_store.dead_letter(conn, at, "t", "bad signature", b"x" * 100_000)
    done = compact(ctx.db, NOW, OpsConfig(dead_letters_keep_days=30))
    assert done.dead_letters == 1
    with ctx.db.read() as conn:
        left = conn.execute("SELECT at, length(payload) FROM sync_dead_letters").fetchall()
    assert [(r[0], r[1]) for r in left] == [(recent, edge_store.DEAD_LETTER_KEEP_BYTES)]


def test_the_component_compacts_on_its_schedule(ctx: Context) -> None:
    with ctx.db.transaction() as conn:
        conn.execute("DELETE FROM outbox")
    acked = events(ctx, [30, 30])
    with ctx.db.transaction() as conn:
        conn.execute("UPDATE sync_state SET value = ? WHERE key = 'acked_seq'", [str(acked[-1])])

    async def run() -> None:
        comp = Compactor(ctx)
        comp.config = OpsConfig(compact_interval_s=1.0)
        await comp.start()
        try:
            await wait_until_async(lambda: not remaining(ctx), what="the scheduled compaction")
        finally:
            await comp.stop()

    asyncio.run(run())
    assert remaining(ctx) == []
