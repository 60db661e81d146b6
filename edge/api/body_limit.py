"""A cap on request bodies, so a huge upload is refused with 413 problem+json instead of being
read into memory (the node is a small box beside the till)."""

from __future__ import annotations

from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from edge.api import problems

# The largest legitimate edge request (a 200-line return with its QR code) is ~40 KiB.
EDGE_MAX_BODY_BYTES = 1024 * 1024


class BodyLimitMiddleware:
    """Refuses a body over `max_bytes` (or the path's own cap in `paths`): by its
    Content-Length before a byte is read, or, for a chunked body, as soon as what was read
    passes the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, paths: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.paths = app, max_bytes, paths or {}

    @staticmethod
    def _detail(cap: int) -> str:
        return f"the request body is larger than {cap} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.paths.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            too_large = declared.isdigit()
            status = 413 if too_large else 400
            detail = self._detail(cap) if too_large else "Content-Length is not a number"
            response = problems.http_problem(status, detail, scope["path"])
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    # Raised where the app reads the body; the problem handlers answer 413.
                    raise HTTPException(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, self._detail(cap))
            return message

        await self.app(scope, limited, send)
