"""A real PostgreSQL started by the tests: `initdb` into a temporary directory, `pg_ctl start` on
a free port with its unix socket in that directory (never the machine's own server on 5432).

PostgreSQL refuses to run as root. When the tests run as root (CI, this VM), the server runs as
an unprivileged user (`nobody`, present on every Debian system) that owns the temporary
directory; otherwise it runs as whoever runs the tests."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.integration.sync.brokers import free_port, wait_for

UNPRIVILEGED = "nobody"


def bindir() -> Path:
    """The newest Debian PostgreSQL installation's binaries (/usr/lib/postgresql/N/bin)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError(
        "PostgreSQL is not installed: run `make system-deps` (Debian package postgresql)"
    )


class Postgres:
    """One throw-away cluster. `url` is a postgresql:// URL for psycopg and the hub."""

    def __init__(self, *, port: int | None = None) -> None:
        self.bin = bindir()
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="store-edge-pg-"))
        self.data = self.dir / "data"
        self.user = UNPRIVILEGED if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED)
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.dir.chmod(0o700)
        self._started = False

    @property
    def url(self) -> str:
        return self.url_for("hub")

    def url_for(self, database: str) -> str:
        # TCP on loopback (a socket path would also do; TCP is what a hub host uses).
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", UNPRIVILEGED, "--", *cmd]
        return subprocess.run(
            cmd, capture_output=True, text=True, check=check, timeout=120, cwd=self.dir
        )

    def start(self) -> Postgres:
        if not self.data.exists():
            self._run(
                "initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
            )  # fmt: skip
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(
                    f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                    f"unix_socket_directories = '{self.dir}'\n"
                    "max_connections = 100\nshared_buffers = 64MB\nfsync = on\n"
                    "timezone = 'UTC'\nlog_min_messages = warning\n"
                )
        for _ in range(5):
            out = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w",
                "-t", "60", "start", check=False,
            )  # fmt: skip
            if out.returncode == 0:
                break
            server_log = self.dir / "server.log"
            log = server_log.read_text() if server_log.exists() else ""
            if "Address already in use" not in log:
                raise RuntimeError(f"postgres did not start: {out.stderr}\n{log[-2000:]}")
            # The free port was taken meanwhile by another test's server: another one (the
            # last `port =` line of the file wins).
            self.port = free_port()
            with (self.data / "postgresql.conf").open("a") as conf:
                conf.write(f"port = {self.port}\n")
            server_log.unlink()
        else:
            raise RuntimeError("postgres did not start: no free port")
        self._started = True
        self.create_database("hub")
        return self

    def create_database(self, name: str) -> str:
        out = self._run(
            "createdb", "-h", str(self.dir), "-p", str(self.port), "-U", self.user, name,
            check=False,
        )  # fmt: skip
        if out.returncode != 0 and "already exists" not in out.stderr:
            raise RuntimeError(out.stderr)
        return self.url_for(name)

    def fresh_database(self) -> str:
        """A new, empty database on this server; returns its URL."""
        import psycopg

        self._count = getattr(self, "_count", 0) + 1
        name = f"hub_{os.getpid()}_{self._count}"
        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError):
            return int(pidfile.read_text().split()[0])
        return None

    def stop(self) -> None:
        if self._started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            self._started = False

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash); `start()` runs recovery."""
        pid = self.pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: not _alive(pid), timeout=30)
        self._started = False

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
