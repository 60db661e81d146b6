"""A real Mosquitto started by the tests on a free port, with a generated config."""

from __future__ import annotations

import contextlib
import getpass
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tests.waiting import TIMEOUT_S, WaitTimeout, wait_until

T = TypeVar("T")

DEPLOY = Path(__file__).parents[3] / "deploy" / "mosquitto"
ACL = DEPLOY / "acl"
# Lines of deploy/mosquitto/mosquitto.conf that name the production box's files and TLS
# listener; a test broker has its own (everything else is used as deployed).
_BOX_ONLY = {
    "listener", "certfile", "keyfile", "cafile", "tls_version", "password_file", "acl_file",
    "persistence_location",
}  # fmt: skip

MOSQUITTO = "/usr/sbin/mosquitto"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def listens(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), TIMEOUT_S):
        return True
    return False


def wait_port(port: int, timeout: float = TIMEOUT_S) -> None:
    try:
        wait_until(lambda: listens(port), timeout, f"something to listen on port {port}")
    except WaitTimeout as exc:
        raise TimeoutError(str(exc)) from None


def wait_for(
    predicate: Callable[[], T], timeout: float = TIMEOUT_S, every: float = 0.02, what: str = ""
) -> T:
    """Polls until predicate() is truthy; returns its value or fails with the last one (kept
    for the sync tests; the same as tests.waiting.wait_until)."""
    return wait_until(predicate, timeout, what, every=every)


class Broker:
    def __init__(self, workdir: Path, *, extra: str = "", port: int | None = None) -> None:
        self.dir = workdir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.fixed_port = port is not None
        self.port = port or free_port()
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self._log_from = 0

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def config(self) -> str:
        return (
            f"listener {self.port} 127.0.0.1\n"
            # Run as whoever runs the tests (as root it would drop to `mosquitto`, which cannot
            # write its persistence file into the test's directory).
            f"user {getpass.getuser()}\n"
            f"persistence true\npersistence_location {self.dir}/\n"
            "max_queued_messages 0\nmax_inflight_messages 0\nmax_queued_bytes 0\n"
            f"log_dest file {self.dir}/mosquitto.log\n" + (self.extra or "allow_anonymous true\n")
        )

    def start(self) -> Broker:
        for attempt in range(3):
            conf = self.dir / "mosquitto.conf"
            conf.write_text(self.config())
            log = self.dir / "mosquitto.log"
            self._log_from = log.stat().st_size if log.exists() else 0  # this start's lines
            self.proc = subprocess.Popen(
                [MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                wait_until(self._listening, what=f"mosquitto to listen on port {self.port}")
                return self
            except (WaitTimeout, ChildProcessError):
                self.proc.kill()
                self.proc.wait()
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                log = self.dir / "mosquitto.log"
                err += log.read_text(errors="replace")[-2000:] if log.exists() else ""
            # A port chosen free was taken before mosquitto bound it (other test runs on the
            # machine pick free ports too): another one, unless the test asked for this one.
            if self.fixed_port or "Address already in use" not in err or attempt == 2:
                raise RuntimeError(f"mosquitto did not start: {err}")
            self.port = free_port()
        raise AssertionError("unreachable")

    def _listening(self) -> bool:
        """Mosquitto says it runs (its log) and the port answers: the port alone could be
        someone else's who took it first."""
        if self.proc is not None and self.proc.poll() is not None:
            raise ChildProcessError("mosquitto exited")
        log = self.dir / "mosquitto.log"
        lines = log.read_bytes()[self._log_from :] if log.exists() else b""
        return b" running" in lines and listens(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            # SIGTERM: mosquitto writes its persistence file (sessions, queued QoS 1) on exit.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, down_for: float = 0.0) -> None:
        """Stops and starts again on the same port. `down_for` is the length of the outage
        being simulated (what a test asserts about must never hinge on it: wait for its
        effect instead)."""
        self.stop()
        time.sleep(down_for)
        fixed, self.fixed_port = self.fixed_port, True
        try:
            self.start()
        finally:
            self.fixed_port = fixed

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.proc = None


class DeployedBroker(Broker):
    """Mosquitto with deploy/mosquitto/mosquitto.conf and its ACL, on a plain loopback port."""

    def __init__(self, workdir: Path, passwd: Path) -> None:
        super().__init__(workdir)
        self.passwd = passwd

    def config(self) -> str:
        deployed = [
            line
            for line in (DEPLOY / "mosquitto.conf").read_text().splitlines()
            if line.split(" ", 1)[0] not in _BOX_ONLY
        ]
        # The listener first: a listener setting before any `listener` line makes Mosquitto
        # open its default one on 1883 as well.
        return "\n".join(
            [
                f"listener {self.port} 127.0.0.1",
                *deployed,
                f"user {getpass.getuser()}",
                f"persistence_location {self.dir}/",
                f"log_dest file {self.dir}/mosquitto.log",
                f"password_file {self.passwd}",
                f"acl_file {ACL}",
                "",
            ]
        )


def acl_broker(workdir: Path, users: dict[str, str]) -> Broker:
    """A broker configured as deploy/mosquitto says (ACL, client ids, persistence, queue
    limits) with a password per user."""
    workdir.mkdir(parents=True, exist_ok=True)
    passwd = workdir / "passwd"
    passwd.touch()
    for user, password in users.items():
        subprocess.run(["mosquitto_passwd", "-b", str(passwd), user, password], check=True)
    return DeployedBroker(workdir / "broker", passwd).start()
