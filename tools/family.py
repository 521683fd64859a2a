"""The packages of the monorepo as their pyprojects declare them: the one reading of the graph.

The noxfile, tools/boundaries.py, tools/import_alone.py and tools/versions.py all work from this,
so the package graph is written once, in the pyprojects' `dependencies`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class Package:
    dist: str
    path: Path
    import_name: str
    dependencies: tuple[str, ...]
    extras: dict[str, list[str]]
    test_group: tuple[str, ...]

    @property
    def pyproject(self) -> Path:
        return self.path / "pyproject.toml"

    @property
    def init(self) -> Path:
        return self.path / "src" / self.import_name / "__init__.py"


def split_requirement(requirement: str) -> tuple[str, set[str]]:
    """`"asgi-protocol[anyio]==0.1.0"` -> `("asgi-protocol", {"anyio"})`, the name normalised."""
    match = REQUIREMENT.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    extras = {e.strip() for e in (match.group(2) or "").split(",") if e.strip()}
    return match.group(1).lower().replace("_", "-"), extras


@cache
def packages() -> dict[str, Package]:
    """Every package under packages/ and the meta-package, by distribution name."""
    found: dict[str, Package] = {}
    for pyproject in [
        *sorted(ROOT.glob("packages/*/pyproject.toml")),
        ROOT / "meta-package/pyproject.toml",
    ]:
        data = tomllib.loads(pyproject.read_text())
        project = data["project"]
        (source,) = data["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
        found[project["name"]] = Package(
            dist=project["name"],
            path=pyproject.parent,
            import_name=Path(source).name,
            dependencies=tuple(project.get("dependencies", [])),
            extras=dict(project.get("optional-dependencies", {})),
            test_group=tuple(data.get("dependency-groups", {}).get("test", [])),
        )
    return found


def siblings(requirements: tuple[str, ...] | list[str]) -> list[str]:
    """The sibling distributions named in `requirements`."""
    family = packages()
    return [name for name, _ in map(split_requirement, requirements) if name in family]


def graph(with_extras: bool = False) -> dict[str, set[str]]:
    """Each package's direct sibling dependencies (and, if asked, those its extras add)."""
    edges: dict[str, set[str]] = {}
    for name, package in packages().items():
        declared = list(package.dependencies)
        if with_extras:
            declared += [r for extra in package.extras.values() for r in extra]
        edges[name] = set(siblings(declared)) - {name}
    return edges


def closure(dist: str, edges: dict[str, set[str]]) -> set[str]:
    """Every sibling reachable from `dist` along `edges`, `dist` excluded."""
    seen: set[str] = set()
    todo = list(edges[dist])
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(edges[name])
    return seen - {dist}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A dependency cycle as a path of names, or None when the graph is acyclic."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for child in sorted(edges[name]):
            found = visit(child, [*path, name])
            if found:
                return found
        done.add(name)
        return None

    for name in sorted(edges):
        found = visit(name, [])
        if found:
            return found
    return None


def graph_table() -> str:
    """The package graph as the Markdown table ARCHITECTURE.md shows (checked in `nox -s lint`)."""
    hard, with_extras = graph(), graph(with_extras=True)
    rows = ["| package | imports as | depends on | and with an extra |", "|---|---|---|---|"]
    for name, package in sorted(packages().items()):
        extra = ", ".join(sorted(with_extras[name] - hard[name])) or "-"
        rows.append(
            f"| {name} | `{package.import_name}` | {', '.join(sorted(hard[name])) or '-'} | {extra} |"
        )
    return "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    """Print the graph table; with `--check FILE`, fail unless FILE shows it as it is."""
    table = graph_table()
    if argv[:1] == ["--check"]:
        if table not in Path(argv[1]).read_text():
            print(f"{argv[1]}: the package graph table is out of date; it should read:\n{table}")
            return 1
        print(f"{argv[1]}: the package graph table matches the pyprojects")
        return 0
    print(table, end="")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
