"""The domain is plain Python: no I/O, no framework. Its imports prove it.

An allowlist, not a denylist: the standard library is full of I/O (urllib, logging, socket,
shutil, http, ...), and a list of what is forbidden always misses the next one. A module the
domain needs and that does no I/O is added here on purpose, with the review that implies."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import edge.domain

DOMAIN = Path(edge.domain.__file__).parent
PACKAGE = "edge.domain"

# Standard-library modules that compute and nothing else.
PURE_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "bisect",
        "collections",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "heapq",
        "itertools",
        "math",
        "numbers",
        "operator",
        "re",
        "string",
        "types",
        "typing",
        "unicodedata",
    }
)

# Built-ins that reach outside the process or load code by name.
IMPURE_BUILTINS = frozenset({"open", "input", "print", "__import__", "exec", "eval", "breakpoint"})


def _absolute(node: ast.ImportFrom, module: str) -> str:
    """`from .x import y` inside `module` as an absolute module name."""
    if node.level == 0:
        return node.module or ""
    parts = module.split(".")
    base = parts[: len(parts) - node.level]
    return ".".join(base + ([node.module] if node.module else []))


def offences(source: str, module: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [_absolute(node, module)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in IMPURE_BUILTINS
        ):
            found.append(f"calls {node.func.id}()")
        for name in names:
            if name in PURE_STDLIB or name == PACKAGE or name.startswith(f"{PACKAGE}."):
                continue
            found.append(f"imports {name}")
    return found


def _module_name(path: Path) -> str:
    rel = path.relative_to(DOMAIN).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


def test_domain_imports_only_pure_standard_library_modules_and_itself() -> None:
    modules = sorted(DOMAIN.rglob("*.py"))  # subpackages too
    assert len(modules) > 10
    found = {
        str(path.relative_to(DOMAIN)): bad
        for path in modules
        if (bad := offences(path.read_text(), _module_name(path)))
    }
    assert found == {}


@pytest.mark.parametrize(
    "line",
    [
        "import urllib.request",
        "import logging",
        "from logging import getLogger",
        "import os.path",
        "from os import path",
        "import sqlite3",
        "from socket import create_connection",
        "import shutil",
        "import importlib",
        "import edge.store.db",
        "from edge.store import db",
        "from edge import config",
        "from ..store import db",
        "from .. import config",
        "import pydantic",
        "open('/etc/passwd')",
        "print('debug')",
        "__import__('socket')",
    ],
)
def test_the_check_catches_what_a_domain_module_must_not_do(line: str) -> None:
    assert offences(line, f"{PACKAGE}.basket")


@pytest.mark.parametrize(
    "line",
    [
        "from __future__ import annotations",
        "from collections.abc import Mapping",
        "from collections import Counter",
        "from dataclasses import dataclass",
        "from . import money",
        "from .vat import VatRate",
        "from edge.domain.money import Money",
        "import edge.domain.stock",
    ],
)
def test_the_check_lets_pure_imports_through(line: str) -> None:
    assert offences(line, f"{PACKAGE}.basket") == []
