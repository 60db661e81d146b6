"""uvicorn's server, telling systemd when the node serves and when it stops."""

from __future__ import annotations

import socket

import uvicorn

from edge.ops.sdnotify import notify


class NotifyingServer(uvicorn.Server):
    """READY=1 once the lifespan has started every component AND the socket listens (so
    `systemctl start` returns when the node really answers); STOPPING=1 on shutdown."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            cfg = self.config
            notify(f"READY=1\nSTATUS=serving on http://{cfg.host}:{cfg.port}")

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        notify("STOPPING=1\nSTATUS=finishing requests in flight")
        await super().shutdown(sockets)
