"""The UI calls services only (issue 18): no module of kiosk_ui/ reaches storage, by import, by
a module named for a lazy import, or through the node's database handle. Every file of the
package is read, so a new module cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kiosk_ui

PACKAGE = Path(kiosk_ui.__file__).parent
FILES = sorted(PACKAGE.rglob("*.py"))

# Storage: the drivers and every module that holds SQL.
STORAGE = ("sqlite3", "sqlite_utils", "apsw", "psycopg", "edge.store", "sync.edge_store",
           "sync.hub.store", "devices.queue_repo")  # fmt: skip


def _is_storage(module: str) -> bool:
    return module.endswith("_repo") or any(
        module == s or module.startswith(s + ".") for s in STORAGE
    )


def offences(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Call):  # importlib.import_module("…"), runtime.optional("…")
            modules = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ][:1]
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if name in ("execute", "executemany", "executescript", "transaction"):
                found.append(f"line {node.lineno}: .{name}() — SQL or a transaction")
        elif isinstance(node, ast.Attribute) and node.attr == "db":
            found.append(f"line {node.lineno}: .db — the node's database handle")
        found += [f"line {node.lineno}: {m}" for m in modules if _is_storage(m)]
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_ui_module_reaches_no_storage(path: Path) -> None:
    assert offences(path.read_text()) == []


def test_the_check_sees_each_way_in() -> None:
    assert offences("import sqlite3")
    assert offences("from edge.store import catalogue_repo")
    assert offences("from edge import store")
    assert offences("runtime.optional('sync.edge_store', 'x')")
    assert offences("with ctx.db.transaction() as conn: pass")
    assert offences("conn.execute('SELECT 1')")
    assert offences("from edge.services import catalogue") == []


def test_every_file_of_the_package_is_read() -> None:
    assert PACKAGE / "kiosk.py" in FILES or (PACKAGE / "kiosk" / "__init__.py") in FILES
    assert all(p.suffix == ".py" for p in FILES) and len(FILES) > 10
