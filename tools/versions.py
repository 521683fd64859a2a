"""One version for the whole family: check it, or set it everywhere at once.

Each package's version lives in its `__init__.py` as `__version__` (hatch reads it from there),
and every sibling requirement pins that same version, so the packages of one release only ever
install together. This tool is the one way to change it:

    python tools/versions.py           # check: every package and every sibling pin agree
    python tools/versions.py 0.2.0     # set: rewrite each __version__ and each sibling pin
"""

from __future__ import annotations

import re
import sys
import tomllib

from family import ROOT, Package, packages

VERSION_LINE = re.compile(r'^__version__ = "(?P<version>[^"]+)"$', re.MULTILINE)
VERSION_SHAPE = re.compile(r"^\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?$")


def sibling_pin(names: list[str]) -> re.Pattern[str]:
    """A requirement naming a sibling, its extras kept: `"asgi-protocol[anyio]==0.1.0"`."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf'"(?P<name>{alternatives})(?P<extras>\[[^\]]*\])?==(?P<version>[^"]+)"')


def problems(family: list[Package]) -> list[str]:
    found: list[str] = []
    versions: dict[str, str] = {}
    for project in family:
        match = VERSION_LINE.search(project.init.read_text())
        if match is None:
            found.append(f"{project.init.relative_to(ROOT)}: no __version__ line")
            continue
        versions[project.dist] = match["version"]
        data = tomllib.loads(project.pyproject.read_text())
        if "version" not in data["project"].get("dynamic", []):
            found.append(f"{project.pyproject.relative_to(ROOT)}: version is not dynamic")
    distinct = sorted(set(versions.values()))
    if len(distinct) > 1:
        found.append(
            "packages disagree on the version: "
            + ", ".join(f"{n} {v}" for n, v in sorted(versions.items()))
        )
    pin = sibling_pin([project.dist for project in family])
    for project in family:
        for match in pin.finditer(project.pyproject.read_text()):
            if match["version"] != versions.get(match["name"]):
                found.append(
                    f"{project.pyproject.relative_to(ROOT)}: {match['name']}=={match['version']}, "
                    f"but {match['name']} is {versions.get(match['name'])}"
                )
    return found


def set_version(family: list[Package], version: str) -> None:
    pin = sibling_pin([project.dist for project in family])
    for project in family:
        project.init.write_text(
            VERSION_LINE.sub(f'__version__ = "{version}"', project.init.read_text())
        )
        text = project.pyproject.read_text()
        project.pyproject.write_text(
            pin.sub(lambda m: f'"{m["name"]}{m["extras"] or ""}=={version}"', text)
        )


def main(argv: list[str]) -> int:
    family = list(packages().values())
    if argv:
        (version,) = argv
        if not VERSION_SHAPE.match(version):
            print(f"not a release version: {version!r} (expected like 1.2.3 or 1.2.3rc1)")
            return 2
        set_version(family, version)
    found = problems(family)
    for problem in found:
        print(problem)
    if not found:
        (version,) = {VERSION_LINE.search(p.init.read_text())["version"] for p in family}  # type: ignore[index]
        print(f"{len(family)} packages at {version}, every sibling pin agrees")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
