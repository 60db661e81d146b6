"""A transaction committed without its own fsync (`synchronous="NORMAL"`, for a write recovery
can redo) leaves the writer as it found it: every other commit stays FULL."""

from __future__ import annotations

from pathlib import Path

from edge.store.db import Database

FULL, NORMAL = 2, 1


def test_a_relaxed_commit_is_written_and_the_writer_returns_to_full(tmp_path: Path) -> None:
    db = Database(tmp_path / "t.db")
    try:
        with db.transaction() as conn:
            conn.execute("CREATE TABLE t (x INTEGER)")
        with db.transaction(synchronous="NORMAL") as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == NORMAL
            conn.execute("INSERT INTO t VALUES (1)")
            with db.transaction(synchronous="NORMAL") as inner:  # joins: changes nothing
                inner.execute("INSERT INTO t VALUES (2)")
        with db.transaction() as conn:
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == FULL
        try:
            with db.transaction(synchronous="NORMAL") as conn:
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        with db.read() as conn:
            assert [r[0] for r in conn.execute("SELECT x FROM t ORDER BY x")] == [1, 2]
        assert db.writer.execute("PRAGMA synchronous").fetchone()[0] == FULL
    finally:
        db.close()
