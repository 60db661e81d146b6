"""Who is calling the hub's HTTP API: `require_scope(...)` on every route but `/healthz` turns
`Authorization: Bearer <token>` into a `Caller` (sync/hub/tokens.py), or answers 401 (no valid
token) or 403 (a token without any of the route's scopes) as problem+json. `TokenRequired`
finds the caller before the route runs, so an anonymous request is refused before a byte of
its body is read or parsed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from edge.api import problems
from edge.domain.errors import DomainError, Forbidden, Unauthorized
from sync.hub import tokens
from sync.hub.tokens import Caller, Scope


def _caller(request: Request) -> Caller:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    presented = presented.strip()
    if scheme.lower() != "bearer" or not presented:
        raise Unauthorized(
            "send Authorization: Bearer <token> (made with `store-edge hub token create`)"
        )
    caller = tokens.authenticate(request.app.state.hub.storage, presented)
    if caller is None:
        raise Unauthorized("unknown or revoked token")
    return caller


# Names the scheme in the OpenAPI document (the check itself is TokenRequired's and check's).
_BEARER = HTTPBearer(auto_error=False, description="a hub API token (docs/hub-api.md)")
Presented = Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]


def require_scope(*allowed: Scope) -> Any:
    """A dependency admitting a caller holding any of `allowed`; its value is the `Caller`."""

    def check(request: Request, _: Presented) -> Caller:
        caller: Caller | None = getattr(request.state, "caller", None)
        if caller is None:  # a path TokenRequired does not guard: closed, not open
            raise Unauthorized("no token check ran for this path: refused")
        if not caller.scopes & set(allowed):
            names = " or ".join(s.value for s in allowed)
            raise Forbidden(
                f"token {caller.name} may not do this: it needs the {names} scope",
                needs=[s.value for s in allowed],
            )
        return caller

    check.scopes = frozenset(allowed)  # type: ignore[attr-defined]  # read by scopes_of
    return Depends(check)


def scopes_of(dependant: Any) -> frozenset[Scope]:
    """The scopes a route's guard admits (empty: no guard), for docs and the route-table test."""
    for sub in dependant.dependencies:
        found = getattr(sub.call, "scopes", None)
        if found is not None:
            return frozenset(found)
        nested = scopes_of(sub)
        if nested:
            return nested
    return frozenset()


class TokenRequired:
    """401 problem+json for a request to a guarded path (`/api/...`, `/metrics`; not `open`)
    without a valid token, before the route reads its body; otherwise the caller is kept in
    the request's state for the route's `require_scope`."""

    def __init__(self, app: ASGIApp, open_paths: frozenset[str]) -> None:
        self.app, self.open_paths = app, open_paths

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        guarded = path.startswith("/api/") or path == "/metrics"
        if scope["type"] != "http" or not guarded or path in self.open_paths:
            await self.app(scope, receive, send)
            return
        try:  # a database read: off the event loop
            caller = await run_in_threadpool(_caller, Request(scope))
        except Unauthorized as exc:
            await problems.problem(401, exc.code, exc.detail, path)(scope, receive, send)
            return
        except DomainError as exc:  # the token store unavailable (a busy pool): 503, not 500
            await problems.domain_problem(exc, path)(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)
