"""Request dependencies: the node's context and the logged-in cashier."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from edge.domain.errors import Unauthorized
from edge.inline import inline
from edge.services.auth import Actor, authenticate
from edge.services.context import Context

_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/sessions")


# Dependencies are `async def`: they run on the event loop instead of costing a thread-pool hop
# each per request (the session lookup is one indexed read of well under a millisecond); it moves
# to a thread only when every reader is busy (edge/inline.py).
async def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


async def get_actor(
    request: Request,
    ctx: Annotated[Context, Depends(get_ctx)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized(
            "this needs a cashier session: POST /api/v1/sessions, then send "
            "'Authorization: Bearer <token>'"
        )
    actor = await inline(authenticate, ctx, creds.credentials)
    # A supervisor's PIN sent with this request counts against this client's address too.
    return replace(actor, address=request.client.host if request.client else None)


async def get_token(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> str:
    if creds is None:
        raise Unauthorized("no session token")
    return creds.credentials


CtxDep = Annotated[Context, Depends(get_ctx)]
ActorDep = Annotated[Actor, Depends(get_actor)]
