"""The house rules a newcomer can check in a second: no import circles inside ``bench/``, no file
over 300 lines, no function over 60 lines.

    python scripts/check_house.py            # prints every finding; exit 1 if there is any
    python scripts/check_house.py bench      # sizes of the given folders only (circles: always bench/)

Imports are read with ``ast`` (nothing is imported), deferred imports inside functions included:
they break a circle at import time, not in the design.  ``if TYPE_CHECKING:`` imports are left
out.  One circle is allowed: a package that defines a registry and imports its own submodules to
fill it (``bench/metrics/__init__.py`` → ``bench.metrics.image`` → ``bench.metrics``), so edges
from such a package to its own submodules are not followed.  A function's length counts from its
``def`` to its last line (a nested function counts within its parent and on its own).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_modules(tree: ast.AST, name: str, is_package: bool, known: set[str]) -> set[str]:
    """Modules of ``known`` that the module ``name`` imports anywhere in its body."""
    found: set[str] = set()
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and is_type_checking(node)
            for n in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".") if is_package else name.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join(package + ([base] if base else []))
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names}
    return {module for module in found if module in known and module != name}


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the modules of ``package`` it imports, registry packages' own submodules left out."""
    files = {module_name(path): path for path in sorted(package.rglob("*.py"))}
    trees = {name: ast.parse(path.read_text(), str(path)) for name, path in files.items()}
    known = set(files)
    registries = {name for name, path in files.items() if path.name == "__init__.py"
                  and any("Registry(" in p.read_text() for p in path.parent.glob("*.py"))}
    graph = {}
    for name, tree in trees.items():
        edges = imported_modules(tree, name, files[name].name == "__init__.py", known)
        if name in registries:
            edges = {e for e in edges if not e.startswith(name + ".")}
        graph[name] = edges
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def long_files(folder: Path) -> list[tuple[str, int]]:
    sizes = [(path, len(path.read_text().splitlines())) for path in sorted(folder.rglob("*.py"))]
    return [(str(path.relative_to(ROOT)), n) for path, n in sizes if n > MAX_FILE_LINES]


def long_functions(folder: Path) -> list[tuple[str, int]]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno} {node.name}", length))
    return found


def main(argv: list[str]) -> int:
    folders = [ROOT / arg for arg in argv] or [ROOT / "bench", ROOT / "scripts", ROOT / "tests"]
    findings = [f"import circle: {' ↔ '.join(c)}" for c in circles(import_graph(ROOT / "bench"))]
    for folder in folders:
        findings += [f"file over {MAX_FILE_LINES} lines: {name} ({n})" for name, n in long_files(folder)]
        findings += [f"function over {MAX_FUNCTION_LINES} lines: {name} ({n})" for name, n in long_functions(folder)]
    print("\n".join(findings) if findings else "house rules hold: no import circles, no long files or functions")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
