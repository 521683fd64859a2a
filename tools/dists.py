"""Every package's distributions, built from the checkout, and the third-party ones they need.

tools/release_check.py (sdists and wheels, checked as an index would serve them) and
tools/wheelhouse.py (wheels to install from a checkout) both build through `build`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from family import packages, split_requirement


def run(*args: str | Path) -> str:
    """Run a command, echoing it; on failure print its output and stop."""
    printable = " ".join(str(a) for a in args)
    print(f"$ {printable}", flush=True)
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        print(done.stdout + done.stderr)
        raise SystemExit(f"{Path(sys.argv[0]).stem}: failed: {printable}")
    return done.stdout


def build(out_dir: Path, *, sdists: bool = True) -> list[Path]:
    """Build every package into `out_dir`: its sdist and the wheel built from that sdist (what
    an index would serve), or with `sdists=False` the wheel alone. Returns the files built."""
    for package in packages().values():
        only_wheel = [] if sdists else ["--wheel"]
        run("uv", "build", "--quiet", *only_wheel, "--out-dir", out_dir, package.path)
    built = sorted([*out_dir.glob("*.whl"), *out_dir.glob("*.tar.gz")])
    expected = (2 if sdists else 1) * len(packages())
    if len(built) != expected:
        raise SystemExit(f"{len(built)} files built in {out_dir}, expected {expected}")
    return built


def third_party_requirements(*, with_extras: bool = False) -> list[str]:
    """The requirements of our packages that name no sibling (and those of their extras)."""
    family = packages()
    declared = [
        requirement
        for package in family.values()
        for requirement in [
            *package.dependencies,
            *(r for extra in package.extras.values() for r in extra if with_extras),
        ]
    ]
    return sorted({r for r in declared if split_requirement(r)[0] not in family})


def download(requirements: list[str], dest: Path) -> None:
    """Fetch `requirements` (and what they require) from the index into `dest`."""
    run(sys.executable, "-m", "pip", "download", "--quiet", "--dest", dest, *requirements)
