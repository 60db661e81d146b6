"""Hub workers as real `store-edge hub` processes sharing one database and one MQTT 5 shared
subscription, for the multi-worker tests and the load generator."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from sync.hub import tokens
from sync.hub.store import open_storage
from sync.hub.tokens import Scope
from tests.integration.sync.brokers import free_port, wait_for

CLI = str(Path(sys.executable).parent / "store-edge")


class HubWorker:
    def __init__(
        self,
        workdir: Path,
        name: str,
        *,
        broker_url: str,
        database: str,
        key_file: Path,
        group: str | None = "hub",
        extra: str = "",
    ) -> None:
        self.dir = workdir / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = free_port()
        self.config = self.dir / "hub.toml"
        shared = f'shared_group = "{group}"\n' if group else ""
        self.config.write_text(
            f'data_dir = "{self.dir}"\n'
            'command_resend_s = 1\ngap_grace_s = 1\nlog_format = "console"\n'
            'log_level = "WARNING"\n'
            f"{extra}\n"
            f'[database]\nurl = "{database}"\n'
            f'[signing]\nkey_file = "{key_file}"\n'
            f'[broker]\nurl = "{broker_url}"\nclient_id = "{name}"\n{shared}'
            f"[http]\nport = {self.port}\n"
            "[nearby]\ninterval_s = 0.5\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.database = database
        self._read_token: str | None = None

    def start(self) -> HubWorker:
        log = (self.dir / "worker.log").open("ab")
        self.proc = subprocess.Popen(
            [CLI, "hub", "--config", str(self.config)], stdout=log, stderr=subprocess.STDOUT
        )
        wait_for(self.up, timeout=60, every=0.1)
        return self

    def up(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited: {(self.dir / 'worker.log').read_text()}")
        try:
            return httpx.get(f"http://127.0.0.1:{self.port}/api/v1/healthz").status_code == 200
        except httpx.HTTPError:
            return False

    def token(self, *scopes: Scope, name: str | None = None) -> str:
        """A new API token in the workers' shared database."""
        storage = open_storage(self.database, self.dir)
        try:
            return tokens.create(
                storage, name or f"{self.name}-{os.urandom(4).hex()}", list(scopes)
            )
        finally:
            storage.close()

    def metrics(self) -> str:
        self._read_token = self._read_token or self.token(Scope.READ)
        headers = {"Authorization": f"Bearer {self._read_token}"}
        return httpx.get(f"http://127.0.0.1:{self.port}/metrics", headers=headers, timeout=10).text

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
