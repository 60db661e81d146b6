"""Cashier sessions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from edge.api.basket_out import SessionOut, WhoAmI
from edge.api.contract import raises
from edge.api.deps import ActorDep, CtxDep, get_token
from edge.api.schemas import LoginIn
from edge.services import auth

router = APIRouter(tags=["sessions"])


@router.post("/sessions", status_code=201, response_model=SessionOut, responses=raises(401))
def login(ctx: CtxDep, body: LoginIn, request: Request) -> dict[str, Any]:
    """PIN login → bearer token for the POS. Five wrong PINs lock the account for a while
    (423); too many wrong PINs from one client address, whatever the accounts, block the
    address for a while (429 with Retry-After)."""
    address = request.client.host if request.client else None
    session = auth.login(ctx, body.username, body.pin, body.register_id, address)
    return {
        "token": session.token,
        "token_type": "bearer",
        "expires_at": session.expires_at.isoformat(),
        "username": session.actor.username,
        "role": session.actor.role.value,
        "register": session.actor.register,
        "display_name": session.actor.display_name,
    }


@router.get("/sessions/current", response_model=WhoAmI)
def whoami(actor: ActorDep) -> dict[str, Any]:
    return {
        "username": actor.username,
        "role": actor.role.value,
        "register": actor.register,
        "display_name": actor.display_name,
    }


@router.delete("/sessions/current", status_code=204)
def logout(ctx: CtxDep, _actor: ActorDep, token: Annotated[str, Depends(get_token)]) -> Response:
    auth.logout(ctx, token)
    return Response(status_code=204)
