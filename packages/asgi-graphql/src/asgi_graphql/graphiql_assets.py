"""Fetch GraphiQL's files into a directory, to serve them from the app (`graphiql_assets`).

    python -m asgi_graphql.graphiql_assets static/graphiql

Each file is taken from its package's tarball on the npm registry (the files unpkg serves) and
written only once it matches the integrity hash the page checks, so a directory this fills is
one the page accepts. Run it once, where there is network, and ship the directory with the app.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from asgi_graphql._graphiql import GRAPHIQL_ASSETS, GraphiQLAsset

REGISTRY = "https://registry.npmjs.org"
TIMEOUT = 60.0

Fetch = Callable[[str], bytes]


class AssetMismatch(Exception):
    """A fetched file is not the one the GraphiQL page expects (its hash differs)."""


def tarball_url(package: str, version: str) -> str:
    return f"{REGISTRY}/{package}/-/{package}-{version}.tgz"


def integrity_of(data: bytes) -> str:
    """The subresource-integrity value of `data`, as the page's tags carry it."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - https only
        return bytes(response.read())


def _extract(tarball: bytes, url: str, asset: GraphiQLAsset) -> bytes:
    # One named member read into memory: nothing from the archive picks a path on disk.
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            member = archive.extractfile(f"package/{asset.path}")
            if member is not None:
                return member.read()
    except (tarfile.TarError, KeyError, OSError):
        pass  # not a tarball, or no such member
    raise AssetMismatch(f"{url} is no package tarball holding {asset.path}")


def download(directory: Path, fetch: Fetch = _fetch) -> list[Path]:
    """Write every GraphiQL file into `directory`, checked against its hash; return the paths.

    Raises AssetMismatch (nothing of that file is written) and whatever `fetch` raises.
    """
    tarballs: dict[str, bytes] = {}
    files: list[tuple[Path, bytes]] = []
    for asset in GRAPHIQL_ASSETS:
        url = tarball_url(asset.package, asset.version)
        if url not in tarballs:
            tarballs[url] = fetch(url)
        data = _extract(tarballs[url], url, asset)
        if integrity_of(data) != asset.integrity:
            raise AssetMismatch(
                f"{asset.package}@{asset.version}/{asset.path} is {integrity_of(data)}, "
                f"not the {asset.integrity} the page expects"
            )
        files.append((directory / asset.file, data))
    directory.mkdir(parents=True, exist_ok=True)
    for path, data in files:
        path.write_bytes(data)
    return [path for path, _ in files]


def main(argv: Sequence[str] | None = None, fetch: Fetch = _fetch) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m asgi_graphql.graphiql_assets",
        description="Fetch GraphiQL's files (checked against their hashes) into DIRECTORY, "
        "then serve DIRECTORY and pass its URL prefix as GraphQLApp(graphiql_assets=...).",
    )
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        paths = download(args.directory, fetch)
    except (AssetMismatch, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover - the command line
    sys.exit(main())
