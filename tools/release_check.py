"""Build every package as a stranger would get it, then install each from the built files only.

1. Build each package's sdist, and its wheel from that sdist (what an index would serve).
2. `twine check --strict` every file.
3. Fetch the few third-party distributions the packages require into a wheelhouse.
4. For the meta-package and for each package alone: a clean venv, `pip install --no-index`
   from the built files and the wheelhouse (so none of our names can ever resolve to somebody
   else's project on the public index), then import every module (tools/import_alone.py).
   The meta-package alone must install no third-party distribution at all.

    python tools/release_check.py WORKDIR
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from dists import build, download, run, third_party_requirements
from family import ROOT, packages

META = "asgi-toolkit"
# What a fresh venv holds before anything is installed into it.
SEED = {"pip", "setuptools", "wheel"}


def installed(python: Path) -> set[str]:
    listing = json.loads(run(python, "-m", "pip", "list", "--format=json"))
    return {entry["name"].lower().replace("_", "-") for entry in listing}


def install_alone(name: str, work: Path, dist_dir: Path, wheelhouse: Path) -> set[str]:
    """A clean venv holding `name` from the built files only; the distributions it got."""
    venv = work / f"venv-{name}"
    shutil.rmtree(venv, ignore_errors=True)
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-index",
        "--find-links", dist_dir, "--find-links", wheelhouse, name)  # fmt: skip
    run(python, ROOT / "tools" / "import_alone.py", name)
    return installed(python) - SEED


def main(work: Path) -> int:
    dist_dir, wheelhouse = work / "dist", work / "wheelhouse"
    for folder in (dist_dir, wheelhouse):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    built = build(dist_dir)
    run(sys.executable, "-m", "twine", "check", "--strict", *built)
    download(third_party_requirements(), wheelhouse)
    ours = set(packages())
    got = install_alone(META, work, dist_dir, wheelhouse)
    strangers = sorted(got - ours)
    if strangers:
        raise SystemExit(f"release-check: `pip install {META}` also installed {strangers}")
    print(f"release-check: {META} alone installs {len(got)} distributions, all ours")
    for name in sorted(ours - {META}):
        got = install_alone(name, work, dist_dir, wheelhouse)
        print(f"release-check: {name} alone installs {sorted(got)}")
    print(f"release-check: {len(ours)} packages built, checked and installed from files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]).resolve()))
