"""The domain is plain Python: no I/O, no framework. Its imports prove it."""

import ast
import sys
from pathlib import Path

import edge.domain

ALLOWED_PREFIXES = ("edge.domain", "__future__")


def test_domain_imports_only_the_standard_library_and_itself() -> None:
    root = Path(edge.domain.__file__).parent
    offenders = []
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if name.startswith(ALLOWED_PREFIXES) or top in sys.stdlib_module_names:
                    if top in {"sqlite3", "socket", "subprocess", "asyncio", "os", "pathlib"}:
                        offenders.append(f"{path.name}: {name}")
                    continue
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
