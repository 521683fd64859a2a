"""Every package imports only what its pyproject declares, and the package graph has no cycle.

The graph is the one the pyprojects declare (read by tools/family.py), not a copy. A package
may import itself, the standard library, and the siblings it reaches through its dependencies;
a module may also import a sibling that one of the package's extras declares (such a module
refuses to import without the extra, saying which: tools/import_alone.py checks that). Anything
else means a user who installs that package alone gets an ImportError, or a package that
secretly needs more.
"""

from __future__ import annotations

import ast
import sys

from family import ROOT, closure, cycle, graph, packages


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) for every absolute import in `tree`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def problems(dist: str) -> list[str]:
    family = packages()
    package = family[dist]
    allowed = closure(dist, graph(with_extras=True))
    by_import = {p.import_name: name for name, p in family.items()}
    found: list[str] = []
    for source in sorted((package.path / "src").rglob("*.py")):
        for line, module in imported_modules(ast.parse(source.read_text(), str(source))):
            top = module.split(".")[0]
            sibling = by_import.get(top)
            if sibling is not None and sibling != dist and sibling not in allowed:
                where = f"{source.relative_to(ROOT)}:{line}"
                found.append(f"{where} imports {top}, which {dist} does not depend on")
    return found


def module_cycle(dist: str) -> list[str] | None:
    """A cycle of imports between the modules of one package (imports inside functions too,
    since that is how a cycle is usually hidden), or None."""
    package = packages()[dist]
    source_root = package.path / "src"
    edges: dict[str, set[str]] = {}
    for source in sorted((source_root / package.import_name).rglob("*.py")):
        parts = source.relative_to(source_root).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported = {name for _, name in imported_modules(ast.parse(source.read_text()))}
        edges[module] = {name for name in imported if name.split(".")[0] == package.import_name}
    for module in edges:  # `import a.b` also runs `a`; a package's __init__ is not an edge
        edges[module] = {name for name in edges[module] if name in edges and name != module}
    return cycle({name: targets - {package.import_name} for name, targets in edges.items()})


def main(argv: list[str]) -> int:
    names = argv or sorted(packages())
    failures = [p for name in names for p in problems(name)]
    for name in names:
        loop = module_cycle(name)
        if loop:
            failures.append(f"{name} has an import cycle: " + " -> ".join(loop))
    loop = cycle(graph(with_extras=True))
    if loop:
        failures.append("the package graph has a cycle: " + " -> ".join(loop))
    for failure in failures:
        print(failure)
    print(f"boundaries: {len(names)} package(s) checked, {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
