"""Online backups while the node sells; rotation; restore and its refusals."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from edge.ops.backup import BackupError, backup, backups, integrity, restore
from edge.ops.nodelock import node_lock
from tests.integration.ops.conftest import Cashier, Node
from tests.waiting import TIMEOUT_S

STORE_EDGE = Path(sys.executable).parent / "store-edge"


def receipts_in(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT receipt_no FROM sales")}
    finally:
        conn.close()


def test_backup_during_a_checkout_loop_holds_every_sale_committed_before_it(
    node: Node, tmp_path: Path
) -> None:
    cashier = Cashier(node.url).start()
    cashier.wait_for(20)
    started = time.monotonic()
    committed_before = {r for at, r in cashier.receipts if at < started}
    result = subprocess.run(
        [
            str(STORE_EDGE),
            "backup",
            "--data-dir",
            str(node.data_dir),
            "--dest",
            str(tmp_path / "b"),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr
    cashier.wait_for(len(cashier.receipts) + 5)  # the node kept selling
    cashier.join()
    assert not cashier.errors
    (copy,) = backups(tmp_path / "b")
    assert integrity(copy) == "ok"
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    in_backup = receipts_in(copy)
    assert committed_before and committed_before <= in_backup
    node.stop()
    assert in_backup <= receipts_in(node.db_path)


def make_db(path: Path, receipts: list[str]) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(
        "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (component TEXT, number INT);"
        "CREATE TABLE sales (receipt_no TEXT PRIMARY KEY);"
    )
    conn.executemany("INSERT INTO sales VALUES (?)", [(r,) for r in receipts])
    conn.commit()
    conn.close()


def test_rotation_keeps_the_newest(tmp_path: Path) -> None:
    db = tmp_path / "var/store.db"
    db.parent.mkdir()
    make_db(db, ["A"])
    made = [backup(db, tmp_path / "b", keep=2).path for _ in range(4)]
    assert backups(tmp_path / "b") == made[-2:]


def test_restore_replaces_the_database_and_keeps_the_old_one(tmp_path: Path) -> None:
    db = tmp_path / "var/store.db"
    db.parent.mkdir()
    make_db(db, ["A"])
    copy = backup(db, tmp_path / "b", keep=3).path
    make_db(tmp_path / "other.db", [])
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO sales VALUES ('B')")
    conn.commit()
    conn.close()
    kept = restore(copy, db)
    assert receipts_in(db) == {"A"}
    assert kept is not None and receipts_in(kept) == {"A", "B"}


def test_restore_refuses_while_a_node_runs_and_a_damaged_backup(tmp_path: Path) -> None:
    db = tmp_path / "var/store.db"
    db.parent.mkdir()
    make_db(db, ["A", "B"])
    copy = backup(db, tmp_path / "b", keep=3).path
    before = db.read_bytes()
    with node_lock(db.parent), pytest.raises(BackupError, match="is running"):
        restore(copy, db)
    damaged = tmp_path / "damaged.db"
    data = bytearray(copy.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    damaged.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="integrity"):
        restore(damaged, db)
    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("hello")
    with pytest.raises(BackupError):
        restore(not_sqlite, db)
    assert db.read_bytes() == before


def test_restore_cli_refuses_while_the_node_serves(node: Node, tmp_path: Path) -> None:
    copy = backup(node.db_path, tmp_path / "b", keep=1).path
    r = subprocess.run(
        [str(STORE_EDGE), "restore", str(copy), "--data-dir", str(node.data_dir)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert r.returncode == 1 and "is running" in r.stderr
    node.stop()
    r = subprocess.run(
        [str(STORE_EDGE), "restore", str(copy), "--data-dir", str(node.data_dir)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    assert r.returncode == 0, r.stderr
