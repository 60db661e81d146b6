"""Per-request timing for /metrics and the access log.

Every request is timed into the latency histogram. Which ones are also logged is
`[http] access_log`: `problems` (the default) logs the requests a person should look at, the
refused, the failed and the slow; `all` logs every one; `off` none. A till scans every second or
two all day: a line per scan buries the journal without saying more than the histogram does, and
formatting it costs about a tenth of a millisecond on the request path."""

from __future__ import annotations

import logging
import time
from typing import Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.metrics import Metrics

AccessLog = Literal["problems", "all", "off"]
log = logging.getLogger("edge.access")


class AccessMiddleware:
    """Plain ASGI (no task per request, unlike BaseHTTPMiddleware); sits inside the request-id
    middleware so each access line carries the request's id."""

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        api_prefix: str,
        mode: AccessLog = "problems",
        slow_s: float = 0.25,
    ) -> None:
        self.app, self.metrics, self.api_prefix = app, metrics, api_prefix
        self.mode, self.slow_s = mode, slow_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers if the app raises before responding

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None)
        if route and scope["path"].startswith(self.api_prefix):
            self.metrics.observe(scope["method"], route, status, seconds)
        if self.mode == "off":
            return
        if self.mode == "problems" and status < 400 and seconds < self.slow_s:
            return
        client = scope.get("client")
        log.log(
            logging.WARNING if status >= 500 else logging.INFO,
            "%s %s %d %.1f ms",
            scope["method"],
            scope["path"],
            status,
            seconds * 1000,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "client": client[0] if client else None,
            },
        )
