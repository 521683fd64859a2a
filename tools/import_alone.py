"""Import every module of one installed package and list what else that pulled in.

Run inside a fresh environment holding only the package's wheel and its declared dependencies.
Fails when a module imports something that is neither the standard library, the package itself,
nor a distribution its metadata requires (followed transitively, extras left out).
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import pkgutil
import re
import sys


def required_distributions(dist: str) -> set[str]:
    seen: set[str] = set()
    todo = [dist]
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in seen:
            continue
        seen.add(name)
        for requirement in metadata.requires(name) or []:
            if "extra ==" in requirement:
                continue
            todo.append(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
    return seen


def main(dist: str) -> int:
    package = dist.replace("-", "_")
    allowed = {package} | set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    required = required_distributions(dist)
    for top, dists in metadata.packages_distributions().items():
        if any(re.sub(r"[-_.]+", "-", d).lower() in required for d in dists):
            allowed.add(top)
    before = set(sys.modules)
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        importlib.import_module(info.name)
        names.append(info.name)
    pulled = {name.split(".")[0] for name in set(sys.modules) - before}
    strays = sorted(top for top in pulled if top not in allowed)
    print(f"{dist}: imported {len(names)} module(s); required distributions: {sorted(required)}")
    for stray in strays:
        print(f"{dist}: imported undeclared module {stray!r}")
    return 1 if strays else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
