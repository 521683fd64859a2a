"""A wheelhouse for installing any package from a checkout, with no index: `nox -s wheelhouse`.

`pip install ./packages/asgi-middleware` fails: each package pins its siblings at one version
(`asgi-protocol==0.1.0`), and pip looks for those on the index, where the name may be nobody's,
or somebody else's. The wheelhouse holds a wheel of every package and every third-party
distribution that any of them, or any of their extras, requires; then

    pip install --no-index --find-links wheelhouse asgi-middleware

installs one package alone (or `"asgi-toolkit[full]"`, or any other) from these files only.

    python tools/wheelhouse.py DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

from dists import build, download, third_party_requirements


def main(dest: Path) -> int:
    dest.mkdir(parents=True, exist_ok=True)
    for stale in [*dest.glob("*.whl"), *dest.glob("*.tar.gz")]:
        stale.unlink()  # an older wheel of ours must not be the one pip picks
    ours = build(dest, sdists=False)
    download(third_party_requirements(with_extras=True), dest)
    others = len(list(dest.iterdir())) - len(ours)
    print(f"wheelhouse: {len(ours)} wheels of ours and {others} third-party files in {dest}")
    print(f"install any package with: pip install --no-index --find-links {dest} asgi-middleware")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]).resolve()))
