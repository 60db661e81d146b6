"""The emulator on a real TCP port (what `store-edge fiscal emulator` runs and the end-to-end
tests drive), and a loopback link that hands frames to an emulator in the same process (the
embedded default: `make run` needs no hardware)."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Sequence

from devices.fiscal.emulator import Emulator
from devices.fiscal.posnet_frame import FrameReader
from devices.fiscal.posnet_link import LinkTimeout


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        assert isinstance(self.server, EmulatorServer)
        emulator = self.server.emulator
        reader = FrameReader()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        while True:
            try:
                data = self.request.recv(4096)
            except OSError:
                return
            if not data:
                return
            for frame in reader.feed(data):
                answer = emulator.handle(frame)
                if answer is not None:
                    self.request.sendall(answer)


class EmulatorServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> None:
        self.emulator = emulator
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def start(self) -> EmulatorServer:
        threading.Thread(target=self.serve_forever, name="fiscal-emulator", daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class LoopbackLink:
    """A link to an emulator in this process: the same frames, no socket."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def exchange(self, requests: Sequence[bytes], timeout: float) -> list[bytes]:
        answers = []
        for request in requests:
            answer = self.emulator.handle(request)
            if answer is None:
                raise LinkTimeout("the emulator gave no answer")
            answers.append(answer)
        return answers

    def close(self) -> None:
        pass
