"""The kiosk screen's own listener (`[http] kiosk_port`): a browser on the shop floor that
reaches only the kiosk, not the till (/pos) or the staff API, whatever URL someone types into
it. Requests that came in on that port get the kiosk pages, NiceGUI's assets and socket, and
the kiosk API; anything else is a 404 problem, as if it did not exist."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from edge.api import problems

KIOSK_PREFIXES = ("/kiosk/", "/_nicegui/", "/_nicegui_ws/", "/api/v1/kiosk/")


def kiosk_may_reach(path: str) -> bool:
    return path == "/kiosk" or path.startswith(KIOSK_PREFIXES)


class KioskGuard:
    def __init__(self, app: ASGIApp, kiosk_port: int) -> None:
        self.app, self.kiosk_port = app, kiosk_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server")
        if (
            scope["type"] in ("http", "websocket")
            and server is not None
            and server[1] == self.kiosk_port
            and not kiosk_may_reach(scope["path"])
        ):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            response = problems.http_problem(404, "not on the kiosk's port", scope["path"])
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
