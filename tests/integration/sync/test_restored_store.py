"""A store restored from a backup must not reuse event numbers the hub has already applied."""

from __future__ import annotations

from edge.services.context import Context
from sync import edge_store
from tests.integration.sync.conftest import sell


def seqs(ctx: Context) -> list[tuple[int, str]]:
    with ctx.db.read() as conn:
        return [(r[0], r[1]) for r in conn.execute("SELECT seq, id FROM outbox ORDER BY seq")]


def test_unsent_events_move_past_what_the_hub_holds(ctx: Context) -> None:
    with ctx.db.transaction() as conn:
        acked = conn.execute("SELECT max(seq) FROM outbox").fetchone()[0]
        edge_store.set_state(conn, "acked_seq", acked)
        edge_store.set_state(conn, edge_store.RESTORED, "2026-11-23T00:00:00+00:00")
    sell(ctx, "DAI-011-11")
    sell(ctx, "DAI-011-11")
    before = seqs(ctx)
    # Two sales (each with what a fiscal device adds after it), none of them sent yet.
    new_ids = [i for s, i in before if s > acked]
    assert len(new_ids) >= 2
    with ctx.db.transaction() as conn:
        # the hub applied 5 more events of the lost timeline
        assert edge_store.realign_after_restore(conn, acked + 5) == 5
        assert edge_store.get_state(conn, edge_store.RESTORED) == ""
        assert int(edge_store.get_state(conn, "acked_seq")) == acked + 5
    after = seqs(ctx)
    assert [(s, i) for s, i in after if i in new_ids] == [
        (acked + 6 + k, i) for k, i in enumerate(new_ids)
    ]
    sell(ctx, "DAI-011-11")
    next_seq = min(s for s, i in seqs(ctx) if i not in new_ids and s > acked)
    assert next_seq == acked + 6 + len(new_ids), "the next event follows on"


def test_a_hub_that_holds_nothing_newer_changes_nothing(ctx: Context) -> None:
    with ctx.db.transaction() as conn:
        edge_store.set_state(conn, edge_store.RESTORED, "x")
    before = seqs(ctx)
    with ctx.db.transaction() as conn:
        assert edge_store.realign_after_restore(conn, 0) == 0
    assert seqs(ctx) == before
