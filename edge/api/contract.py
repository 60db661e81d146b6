"""The error half of the OpenAPI contract, by construction: each operation documents the problem
statuses it can answer, derived from what the route depends on (a session or token ⇒ 401, a
hub scope ⇒ 403, a path parameter that looks something up ⇒ 404, parameters or a body ⇒ 422,
a body ⇒ 413 and 400, the node's database ⇒ 503) plus what the route declares with
`raises(...)`, each with the problem+json schema. A new route is documented without anyone
listing its errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from http import HTTPStatus
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field

from edge.api.deps import get_actor, get_ctx, get_token
from edge.api.problems import PROBLEM_JSON
from edge.api.schemas import Credentials

PROBLEM_REF = "#/components/schemas/Problem"
# Dependencies whose presence means a session is needed (the node's) or the database is read.
_AUTH_CALLS: frozenset[Callable[..., Any]] = frozenset({get_actor, get_token})


class Problem(BaseModel):
    """RFC 9457 problem details (edge/api/problems.py); extra members (`errors`, `needs`,
    `retry_after_s`…) depend on the problem's `code`."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(description="a URI naming the kind of problem")
    title: str
    status: int
    detail: str
    code: str = Field(description="the last segment of `type`, for programs")
    instance: str | None = Field(None, description="the request's path")


def raises(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for statuses only the route knows (a domain rule's 409, a rate limit's 429);
    the schema is filled in with the others'."""
    return {s: {"description": HTTPStatus(s).phrase} for s in statuses}


def _calls(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _calls(sub)


def _scoped(dependant: Dependant) -> bool:
    return any(getattr(d.call, "scopes", None) for d in _calls(dependant))


def _models(annotation: Any, seen: set[type] | None = None) -> Iterator[type[BaseModel]]:
    """Every model a body annotation holds, nested ones included."""
    seen = set() if seen is None else seen
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation, seen)
    for arg in get_args(annotation):
        yield from _models(arg, seen)


def _pin_statuses(body: Any) -> set[int]:
    """A body carrying a PIN (a login, or a supervisor's `approver`): wrong PINs lock the account
    (423) and throttle the client (429); an approver that may not approve is a 403."""
    models = list(_models(body))
    if not any(issubclass(m, Credentials) for m in models):
        return set()
    nested = not (isinstance(body, type) and issubclass(body, Credentials))
    return {423, 429} | ({403} if nested else set())


def statuses_of(route: APIRoute, *, guarded: bool = False) -> set[int]:
    """The problem statuses a route can answer, from its dependencies and parameters;
    `guarded`: a middleware asks every request of this app for a token (the hub's)."""
    dependant = route.dependant
    calls = {d.call for d in _calls(dependant)}
    out: set[int] = set()
    if calls & _AUTH_CALLS or _scoped(dependant) or guarded:
        out.add(401)
    if _scoped(dependant):
        out.add(403)
    params = [
        p
        for d in (dependant, *_calls(dependant))
        for p in (*d.path_params, *d.query_params, *d.header_params, *d.body_params)
    ]
    if dependant.path_params:
        out.add(404)
    if params:
        out.add(422)
    if dependant.body_params:  # too large, or a Content-Length that is no number (body_limit.py)
        out |= {400, 413, 422}
        for body in dependant.body_params:
            out |= _pin_statuses(body.field_info.annotation)
    # The node's store database stayed locked (edge/api/problems.py); the hub's, that checks
    # every token, did not answer (sync/hub/store/postgres.py).
    if get_ctx in calls or guarded:
        out.add(503)
    return out


def _problem_response(status: int, declared: dict[str, Any] | None) -> dict[str, Any]:
    description = (declared or {}).get("description") or HTTPStatus(status).phrase
    content = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    return {"description": description, "content": content}


def document(app: FastAPI, *, guarded: Callable[[str], bool] = lambda _path: False) -> None:
    """Makes `app.openapi()` carry every operation's problem statuses (and the Problem schema);
    `guarded(path)`: a middleware refuses that path without a token."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema()
        # FastAPI's own 422 shape is not what is served: the problem handler answers it.
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for path, route, method in _operations(app.routes):
            op = schema["paths"][path][method.lower()]
            responses = op.setdefault("responses", {})
            wanted = statuses_of(route, guarded=guarded(path))
            wanted |= {int(s) for s in responses if str(s).isdigit() and int(s) >= 400}
            for status in sorted(wanted):
                responses[str(status)] = _problem_response(status, responses.get(str(status)))
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override


def _operations(routes: Sequence[Any]) -> Iterator[tuple[str, APIRoute, str]]:
    """(full path, route, method) of every documented operation, inside included routers too."""
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema and context.path_format:
            for method in sorted(route.methods or ()):
                yield context.path_format, route, method
