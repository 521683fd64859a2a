"""Import every module of one installed package and list what else that pulled in.

Run inside a fresh environment holding only the package's wheel and its declared dependencies.
Fails when a module imports something that is neither the standard library, the package itself,
nor a distribution its metadata requires (followed transitively, extras left out). A module that
needs an extra may refuse to import, if its ImportError names that extra (`pip install 'x[y]'`).
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import pkgutil
import re
import sys


def required_distributions(dist: str) -> set[str]:
    """`dist` and every distribution its metadata requires, following the extras it asks for."""
    seen: set[tuple[str, str]] = set()
    todo = [(dist, "")]
    while todo:
        name, extra = todo.pop()
        name = re.sub(r"[-_.]+", "-", name).lower()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for requirement in metadata.requires(name) or []:
            wanted = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
            if (wanted.group(1) if wanted else "") != extra:
                continue
            match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*(?:\[([^\]]*)\])?", requirement)
            assert match, requirement
            todo.append((match.group(1), ""))
            todo.extend((match.group(1), e.strip()) for e in (match.group(2) or "").split(",") if e)
    return {name for name, _ in seen}


# How a module that needs an extra refuses to import without it: its error names the extra.
NEEDS_EXTRA = re.compile(r"pip install '([A-Za-z0-9_.-]+)\[([A-Za-z0-9_-]+)\]'")


def needs_missing_extra(error: ImportError, required: set[str]) -> bool:
    """True when `error` names an extra that a required distribution really declares."""
    found = NEEDS_EXTRA.search(str(error))
    name = re.sub(r"[-_.]+", "-", found.group(1)).lower() if found else ""
    if found is None or name not in required:
        return False
    return found.group(2) in (metadata.metadata(name).get_all("Provides-Extra") or [])


def import_name(dist: str) -> str:
    """The top-level package that distribution `dist` installs."""
    tops = [
        top
        for top, dists in metadata.packages_distributions().items()
        if dist in {re.sub(r"[-_.]+", "-", d).lower() for d in dists}
    ]
    (top,) = tops
    return top


def main(dist: str) -> int:
    package = import_name(dist)
    allowed = {package} | set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    required = required_distributions(dist)
    for top, dists in metadata.packages_distributions().items():
        if any(re.sub(r"[-_.]+", "-", d).lower() in required for d in dists):
            allowed.add(top)
    before = set(sys.modules)
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        try:
            importlib.import_module(info.name)
        except ImportError as error:
            if not needs_missing_extra(error, required):
                raise
            print(f"{dist}: {info.name} needs an extra that is not installed: {error}")
            continue
        names.append(info.name)
    pulled = {name.split(".")[0] for name in set(sys.modules) - before}
    # Cython-compiled dependencies register their runtime under these names: not imports.
    # sysconfig loads its generated `_sysconfigdata_*` module: stdlib, though not in the list.
    strays = sorted(
        t for t in pulled if t not in allowed and not re.match(r"_?cython|_sysconfigdata_", t)
    )
    print(f"{dist}: imported {len(names)} module(s); required distributions: {sorted(required)}")
    for stray in strays:
        print(f"{dist}: imported undeclared module {stray!r}")
    return 1 if strays else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
