"""Outside systemd (no UMask=) the node and the hub still keep their data to themselves: the
CLI sets umask 027 at start and makes its data directory 0700. Shown on real processes
started with the common umask 022."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.integration.sync.brokers import free_port, wait_for
from tests.waiting import TIMEOUT_S

CLI = str(Path(sys.executable).parent / "store-edge")


def _run_until_up(args: list[str], health: str) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [CLI, *args, "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.umask(0o022),
    )  # fmt: skip

    def up() -> bool:
        if proc.poll() is not None:
            raise RuntimeError(f"{args[0]} exited with {proc.returncode}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}{health}", timeout=TIMEOUT_S).is_success
        except httpx.HTTPError:
            return False

    try:
        wait_for(up, every=0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(TIMEOUT_S)


@pytest.mark.parametrize(
    ("args", "health"),
    [(["serve"], "/healthz"), (["hub"], "/api/v1/healthz")],
    ids=["node", "hub"],
)
def test_data_files_are_not_readable_by_others(
    tmp_path: Path, args: list[str], health: str
) -> None:
    data = tmp_path / "data"
    _run_until_up([*args, "--data-dir", str(data)], health)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    made = [p for p in data.rglob("*")]
    assert any(p.suffix == ".db" for p in made), made
    for path in made:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o027 == 0, f"{path.relative_to(data)} is {oct(mode)}"
