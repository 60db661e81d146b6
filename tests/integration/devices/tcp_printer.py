"""A network receipt printer for tests: a real TCP endpoint that records every byte, answers
DLE EOT status requests like an Epson, and can drop a job half-way or refuse connections."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

from tests.unit.devices.escpos_decoder import Decoded, decode, split_jobs
from tests.waiting import TIMEOUT_S

STATUS_REQUESTS = (b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04")
ONLINE = b"\x12"


class TcpPrinter:
    def __init__(self) -> None:
        self.port = 0
        self.connections: list[bytearray] = []
        self.drop_next_job_after: int | None = None  # bytes of job data, then a reset
        self.paper = ONLINE
        self._server: socket.socket | None = None
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._open_conns: set[socket.socket] = set()

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> TcpPrinter:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(8)
        server.settimeout(0.1)
        self.port = server.getsockname()[1]
        self._server = server
        t = threading.Thread(target=self._accept, args=(server,), daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def refuse(self) -> None:
        """Like a printer switched off: nothing listens, connections are refused."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for t in self._threads:
            t.join(TIMEOUT_S)
        self._threads.clear()

    def stop(self) -> None:
        self.refuse()
        for conn in list(self._open_conns):
            with contextlib.suppress(OSError):
                conn.close()

    # -- serving --------------------------------------------------------------------------
    def _accept(self, server: socket.socket) -> None:
        while self._server is server:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        record = bytearray()
        with self._lock:
            self.connections.append(record)
            self._open_conns.add(conn)
        conn.settimeout(TIMEOUT_S)
        scanned = 0
        try:
            while True:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                record += chunk
                # Answer each complete status request (they may straddle two reads).
                while True:
                    i = record.find(b"\x10\x04", scanned)
                    if i < 0 or i + 2 >= len(record):
                        break
                    n = record[i + 2]
                    conn.sendall(self.paper if n == 4 else ONLINE)
                    scanned = i + 3
                job_bytes = len(record) - record.count(b"\x10\x04") * 3
                limit = self.drop_next_job_after
                if limit is not None and b"\x1b@" in record and job_bytes > limit:
                    self.drop_next_job_after = None
                    # Power lost after `limit` bytes: the rest never reached the paper.
                    del record[len(record) - (job_bytes - limit) :]
                    # An abortive close (RST), like a printer losing power mid-job.
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    return
        except OSError:
            return
        finally:
            with self._lock:
                self._open_conns.discard(conn)
            conn.close()

    # -- what was printed -----------------------------------------------------------------
    def jobs(self) -> list[tuple[str, bool, Decoded | None]]:
        """(decoded text, complete) of every job received, in order."""
        out = []
        with self._lock:
            streams = [bytes(r) for r in self.connections]
        for stream in streams:
            for req in STATUS_REQUESTS:
                stream = stream.replace(req, b"")
            for job in split_jobs(stream):
                try:
                    decoded = decode(job)
                    complete = decoded.has("cut")
                    out.append((decoded.text, complete, decoded))
                except (IndexError, ValueError, UnicodeDecodeError):
                    out.append(("", False, None))  # cut off in the middle of a command
        return out
