"""Who is calling the hub's HTTP API: `require_scope(...)` on every route but `/healthz` turns
`Authorization: Bearer <token>` into a `Caller` (sync/hub/tokens.py), or answers 401 (no valid
token) or 403 (a token without any of the route's scopes) as problem+json."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request

from edge.domain.errors import Forbidden, Unauthorized
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


def require_scope(*allowed: Scope) -> Any:
    """A dependency admitting a caller holding any of `allowed`; its value is the `Caller`."""

    def check(request: Request) -> Caller:
        caller = _caller(request)
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
