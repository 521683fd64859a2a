"""The package graph of DESIGN.md, and a check that every package keeps to it.

A package may import itself, the standard library, its declared third-party dependencies and
the sibling packages below it in this graph (directly or through them). Anything else means a
user who installs that package alone gets an ImportError, or a package that secretly needs more.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# distribution -> the siblings DESIGN.md says it depends on
GRAPH: dict[str, tuple[str, ...]] = {
    "asgi-protocol": (),
    "asgi-tasks": ("asgi-protocol",),
    "asgi-requests": ("asgi-protocol",),
    "asgi-responses": ("asgi-protocol", "asgi-tasks"),
    "asgi-websockets": ("asgi-requests",),
    "asgi-routing": ("asgi-requests", "asgi-responses", "asgi-websockets", "asgi-lifetime"),
    "asgi-lifetime": ("asgi-protocol",),
    "asgi-middleware": ("asgi-protocol", "asgi-requests", "asgi-responses"),
    "asgi-staticfiles": ("asgi-responses",),
    "asgi-graphql": ("asgi-requests", "asgi-responses", "asgi-tasks"),
    "asgi-testclient": ("asgi-protocol", "asgi-lifetime"),
    "asgi-broadcast": ("asgi-protocol",),
    "asgi-toolkit": (
        "asgi-protocol",
        "asgi-tasks",
        "asgi-requests",
        "asgi-responses",
        "asgi-websockets",
        "asgi-routing",
        "asgi-lifetime",
        "asgi-middleware",
        "asgi-staticfiles",
        "asgi-graphql",
        "asgi-testclient",
        "asgi-broadcast",
    ),
}


def import_name(dist: str) -> str:
    return dist.replace("-", "_")


def closure(dist: str) -> set[str]:
    """Every sibling reachable from `dist` through the graph, `dist` excluded."""
    seen: set[str] = set()
    todo = list(GRAPH[dist])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(GRAPH[name])
    return seen


def package_dir(dist: str) -> Path:
    return ROOT / "meta-package" if dist == "asgi-toolkit" else ROOT / "packages" / dist


def sibling_name(requirement: str) -> str | None:
    name = requirement.split("[")[0].split("=")[0].split(">")[0].split("<")[0].split(";")[0]
    name = name.strip().lower().replace("_", "-")
    return name if name in GRAPH else None


def problems(dist: str) -> list[str]:
    allowed = closure(dist)
    found: list[str] = []
    project = tomllib.loads((package_dir(dist) / "pyproject.toml").read_text())["project"]
    declared = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        declared.extend(extra)
    for requirement in declared:
        sibling = sibling_name(requirement)
        if sibling is not None and sibling != dist and sibling not in allowed:
            found.append(f"{dist} declares {sibling}, which DESIGN.md does not list for it")
    siblings = {import_name(name): name for name in GRAPH}
    own = import_name(dist)
    for source in sorted((package_dir(dist) / "src").rglob("*.py")):
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            modules: list[str] = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            for module in modules:
                top = module.split(".")[0]
                if top in siblings and top != own and siblings[top] not in allowed:
                    where = f"{source.relative_to(ROOT)}:{node.lineno}"
                    found.append(f"{where} imports {top}, outside {dist}'s dependencies")
    return found


def main(argv: list[str]) -> int:
    names = argv or sorted(GRAPH)
    failures = [p for name in names if package_dir(name).exists() for p in problems(name)]
    for failure in failures:
        print(failure)
    print(f"boundaries: {len(names)} package(s) checked, {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
