"""Checks an answer against the app's own /openapi.json: its status is one the operation
documents, and its body validates against the schema documented for that status (JSON Schema
2020-12, which OpenAPI 3.1 schemas are)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema

JSON_TYPES = ("application/json", "application/problem+json")
METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join(
        ("[^/]+" if p.endswith(":path}") is False else ".+") if p.startswith("{") else re.escape(p)
        for p in parts
    )
    return re.compile(body + "$")


class Contract:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        # Literal paths win over templated ones (/returns/lookup before /returns/{return_id}).
        self.routes = sorted(
            ((_pattern(p), p, m, op) for p, m, op in operations(spec)),
            key=lambda r: r[1].count("{"),
        )
        self.served: set[str] = set()  # operations seen answering 2xx
        # Models let unlisted keys through at run time (a model never drops what a client is
        # served); here every key served must be listed: closed, but a problem's extras.
        self.closed = copy.deepcopy(spec["components"])
        for name, schema in self.closed["schemas"].items():
            if name != "Problem" and "properties" in schema:
                schema["additionalProperties"] = False

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        for pattern, template, m, op in self.routes:
            if m == method.lower() and pattern.match(path):
                return template, op
        raise AssertionError(f"{method} {path} is not in /openapi.json")

    def unserved(self) -> list[str]:
        """Operations the flow never saw succeed: their 2xx bodies went unchecked."""
        every = {f"{m.upper()} {p}" for p, m, _ in operations(self.spec)}
        return sorted(every - self.served)

    def check(self, response: httpx.Response) -> httpx.Response:
        """Asserts the answer is documented; returns it for the flow to go on with."""
        request = response.request
        template, op = self.operation(request.method, request.url.path)
        what = f"{request.method} {request.url.path} -> {response.status_code}"
        documented = op["responses"].get(str(response.status_code))
        assert documented is not None, (
            f"{what} is not documented (documents {sorted(op['responses'])}): {response.text[:300]}"
        )
        if response.is_success:
            self.served.add(f"{request.method.upper()} {template}")
        media = response.headers.get("content-type", "").split(";")[0].strip()
        content = documented.get("content", {})
        if not response.content:
            return response
        assert media in content, f"{what} served {media!r}, documented {sorted(content)}"
        if media in JSON_TYPES:
            schema = {**content[media]["schema"], "components": self.closed}
            errors = sorted(
                jsonschema.Draft202012Validator(schema).iter_errors(response.json()),
                key=lambda e: list(e.absolute_path),
            )
            assert not errors, (
                f"{what}: {[f'{list(e.absolute_path)}: {e.message}' for e in errors[:5]]}"
            )
        return response


def named_schema(schema: dict[str, Any] | None) -> bool:
    """A body schema that says something: a named model (or a list of them), not `object`."""
    if not schema:
        return False
    if "$ref" in schema:
        return True
    if schema.get("type") == "array":
        return named_schema(schema.get("items"))
    return bool(schema.get("properties"))
