"""One composition root wires the node (issue 17): parts are imported by name in edge/node.py,
never found by a module-name string; a part's state lives in the Context's typed registry, never
in a dict keyed by id() or an attribute set on the Context; the UI gets what it needs at mount
rather than through a module global; no two modules import each other, even lazily; and the
core packages never import a part. Every module of the node is read, function bodies included."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("edge", "sync", "devices", "kiosk_ui")
CORE = ("edge.domain", "edge.services", "edge.api", "edge.store", "edge.config")
PARTS = ("devices", "sync", "kiosk_ui", "edge.ops", "edge.pickups_plugin", "edge.loyalty_plugin",
         "edge.stock_plugin", "edge.ops_plugin", "edge.node")  # fmt: skip


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = ast.parse(path.read_text(), str(path))
    return found


MODULES = _modules()


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _imports(name: str, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Every module this one imports at run time, at any depth of the file (deferred imports
    count; `if TYPE_CHECKING:` blocks do not run)."""
    package = name if _is_package(name) else name.rpartition(".")[0]
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from edge.services import pickups` imports the module pickups; its package's
            # __init__ runs first, but that is how a package is built, not a dependency on it.
            modules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            if len(modules) < len(node.names):
                yield node.lineno, base
            for module in modules:
                yield node.lineno, module


def _is_package(name: str) -> bool:
    return (ROOT / name.replace(".", "/") / "__init__.py").is_file()


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, tree in MODULES.items():
        for _, target in _imports(name, tree):
            # Importing a.b.c runs a/__init__ and a/b/__init__ first; those edges are real too,
            # but a package's __init__ importing its own children is how packages are built.
            if target in MODULES and target != name:
                graph[name].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return cycles


def string_imports(tree: ast.Module) -> list[int]:
    """Lines that import a module named by a string (importlib.import_module, __import__) or
    look a part's function up by its module's name (a `runtime.optional("devices.x", ...)`)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and "importlib" in (
            getattr(node, "module", None),
            *(a.name for a in node.names),
        ):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            fn = node.func
            called = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            if called in ("import_module", "__import__", "optional"):
                lines.append(node.lineno)
    return lines


def state_by_identity(tree: ast.Module) -> list[str]:
    """`id(...)` used to key state, `setattr(ctx, ...)` on the Context, a module `global`."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "id":
            found.append(f"line {node.lineno}: id(...)")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr":
            target = node.args[0] if node.args else None
            text = ast.unparse(target) if target is not None else ""
            if "ctx" in text:
                found.append(f"line {node.lineno}: setattr({text}, ...)")
        elif isinstance(node, ast.Global):
            found.append(f"line {node.lineno}: global {', '.join(node.names)}")
    return found


def _try_imports(tree: ast.Module) -> list[int]:
    """`try: import x / except ImportError`: a part found by whether it happens to import."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_found_by_a_string(name: str) -> None:
    tree = MODULES[name]
    assert string_imports(tree) == [], "import the part explicitly in the composition root"
    assert _try_imports(tree) == [], "a part is passed in, not probed for with try: import"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_state_keyed_by_identity_or_set_on_the_context(name: str) -> None:
    assert state_by_identity(MODULES[name]) == []


def test_no_import_cycle_among_the_nodes_modules() -> None:
    assert import_cycles(_graph()) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _within(n, CORE)))
def test_the_core_imports_no_part(name: str) -> None:
    imported = [f"line {line}: {target}" for line, target in _imports(name, MODULES[name])]
    assert [i for i in imported if _within(i.rpartition(": ")[2], PARTS)] == []


def test_the_checks_see_what_they_name() -> None:
    assert string_imports(ast.parse("import importlib\nimportlib.import_module('devices')"))
    assert string_imports(ast.parse("__import__('devices.service')"))
    assert string_imports(ast.parse("runtime.optional('devices.service', 'reprint')"))
    assert _try_imports(ast.parse("try:\n    import devices\nexcept ImportError:\n    pass"))
    assert state_by_identity(ast.parse("_AGENTS[id(ctx)] = agent"))
    assert state_by_identity(ast.parse("setattr(ctx, '_rt', rt)"))
    assert state_by_identity(ast.parse("def f():\n    global _ctx\n"))
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
    deferred = ast.parse("def f():\n    from edge.services import pickups\n")
    assert "edge.services.pickups" in [t for _, t in _imports("devices.service", deferred)]


def test_every_package_of_the_node_is_read() -> None:
    assert {"edge.services.pickups", "devices.service", "sync.agent", "kiosk_ui.runtime"} <= set(
        MODULES
    )
