"""RFC 9457 problem details for every error, so no client ever sees a bare 500 page."""

from __future__ import annotations

import logging
import sqlite3
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from edge.domain.errors import (
    AccountLocked,
    ApprovalRequired,
    BasketClosed,
    Conflict,
    DomainError,
    EmptyBasket,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from edge.store.db import is_busy

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://store-edge.dev/problems/"


def problem(
    status: int, code: str, detail: str, instance: str | None = None, /, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if k not in body})
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


# The HTTP status of each kind of domain error; a subclass takes its nearest listed ancestor's,
# anything else is a 422 (the request broke a rule).
STATUS_OF: dict[type, int] = {
    NotFound: 404,
    Unauthorized: 401,
    Forbidden: 403,
    ApprovalRequired: 403,
    BasketClosed: 409,
    EmptyBasket: 409,
    Conflict: 409,
    AccountLocked: 423,
    RateLimited: 429,
    Unavailable: 503,
}


def status_of(exc: DomainError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 422


def domain_problem(exc: DomainError, instance: str) -> JSONResponse:
    """The problem a domain error answers (also for middleware, which FastAPI's exception
    handlers do not reach)."""
    response = problem(status_of(exc), exc.code, exc.detail, instance, **exc.extra)
    retry = exc.extra.get("retry_after_s")
    if isinstance(retry, int | float) and retry > 0:
        response.headers["Retry-After"] = str(max(1, round(retry)))
    return response


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(exc, request.url.path)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": e.get("msg", ""),
        }
        for e in exc.errors()
    ]
    detail = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
    return problem(
        422,
        "invalid-request",
        detail or "the request is not valid",
        request.url.path,
        errors=errors,
    )


def http_problem(status: int, detail: str | None, instance: str) -> JSONResponse:
    """A problem for a plain HTTP status (404 route, 405, 413…); its code is the phrase."""
    phrase = HTTPStatus(status).phrase
    return problem(status, phrase.lower().replace(" ", "-"), detail or phrase, instance)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return http_problem(exc.status_code, detail, request.url.path)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(
        500, "internal-error", "an unexpected error occurred; it has been logged", request.url.path
    )


async def _database(request: Request, exc: Exception) -> JSONResponse:
    """The store database stayed locked for the whole busy timeout (another process writing a
    large import or a backup): the request did nothing, and the till may try again."""
    assert isinstance(exc, sqlite3.OperationalError)
    if not is_busy(exc):
        return await _unexpected(request, exc)
    log.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
    response = problem(
        503,
        "database-busy",
        "the store database is busy with another write; nothing was changed, try again",
        request.url.path,
    )
    response.headers["Retry-After"] = "2"
    return response


def api_fallback(app: FastAPI, prefix: str) -> None:
    """Unknown paths under the API prefix get a problem (404, or 405 for a known path with
    another method) instead of falling through to the UI mounted at / (an HTML page)."""

    async def not_found(request: Request) -> JSONResponse:
        known = any(r.matches(request.scope)[0] is Match.PARTIAL for r in app.router.routes)
        status = 405 if known else 404
        return http_problem(status, None, request.url.path)

    app.add_api_route(
        prefix + "/{rest:path}",
        not_found,
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        include_in_schema=False,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(sqlite3.OperationalError, _database)
    app.add_exception_handler(Exception, _unexpected)
