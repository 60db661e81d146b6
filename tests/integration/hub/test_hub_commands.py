"""`store-edge hub` and its subcommands as real processes: one signing key for a group,
`--config`, `--data-dir` and `--database` on every subcommand, backups on both engines."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from sync.hub.store import open_storage
from tests.integration.hub.workers import CLI
from tests.integration.sync.postgres import Postgres


def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, "hub", *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def test_keygen_makes_one_key_and_never_overwrites_it(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "hub.key"
    out = _run("keygen", "--out", str(key), "--data-dir", str(tmp_path / "d"))
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "keys" / "hub.key.pub").read_text().startswith("-----BEGIN PUBLIC KEY")
    before = key.read_bytes()
    again = _run("keygen", "--out", str(key))
    assert again.returncode != 0 and "never overwritten" in again.stderr
    assert key.read_bytes() == before


def test_a_hub_in_a_shared_group_refuses_to_start_without_a_key_file(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('[broker]\nurl = "mqtt://127.0.0.1:1"\nshared_group = "hub"\n')
    out = _run("--config", str(config), "--data-dir", str(tmp_path / "d"), "--port", "1")
    assert out.returncode != 0
    assert "[signing] key_file" in out.stderr and "keygen" in out.stderr
    assert not (tmp_path / "d" / "hub.key").exists()  # no key of its own made
    assert not (tmp_path / "d" / "hub.db").exists()  # nothing written


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_import_and_backup_act_on_the_database_they_are_given(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "postgresql":
        server: Postgres = request.getfixturevalue("postgres_server")
        database = server.fresh_database()
    else:
        database = f"sqlite:///{tmp_path / 'elsewhere' / 'hub.db'}"
    key = tmp_path / "hub.key"
    assert _run("keygen", "--out", str(key)).returncode == 0
    config = tmp_path / "hub.toml"
    config.write_text(f'demo = false\n[signing]\nkey_file = "{key}"\n')
    common = ["--config", str(config), "--data-dir", str(tmp_path / "d"), "--database", database]
    catalogue = tmp_path / "c.jsonl"
    catalogue.write_text('{"sku": "X-1", "name_pl": "Iks", "price": "2,50", "vat": "A"}\n')
    out = _run("import", str(catalogue), *common)
    assert out.returncode == 0, out.stderr
    assert "as catalogue v1" in out.stdout
    storage = open_storage(database, tmp_path)
    try:
        with storage.read() as tx:
            assert tx.scalar("SELECT name_pl FROM hub_products WHERE sku = 'X-1'") == "Iks"
    finally:
        storage.close()
    dest = tmp_path / "backups" / "hub.bak"
    out = _run("backup", "--out", str(dest), *common, timeout=120)
    assert out.returncode == 0, out.stderr
    assert dest.stat().st_size > 0
    if engine == "sqlite":
        assert not (tmp_path / "d" / "hub.db").exists()  # --database won over --data-dir
        copy = open_storage(f"sqlite:///{dest}", tmp_path)
        try:
            with copy.read() as tx:
                assert tx.scalar("SELECT count(*) FROM hub_products") == 1
        finally:
            copy.close()
    else:
        listing = subprocess.run(
            [str(Path(_pg_bin()) / "pg_restore"), "--list", str(dest)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert "hub_products" in listing.stdout


def test_a_bad_database_url_is_a_clear_startup_error(tmp_path: Path) -> None:
    out = _run("import", os.devnull, "--database", "mysql://x", "--data-dir", str(tmp_path))
    assert out.returncode != 0
    out = _run("backup", "--database", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2")
    assert out.returncode != 0 and "cannot use PostgreSQL" in out.stderr
    assert "Traceback" not in out.stderr


def _pg_bin() -> str:
    from tests.integration.sync.postgres import bindir

    return str(bindir())
