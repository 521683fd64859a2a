"""`python -m asgi_graphql.graphiql_assets DIR`: GraphiQL's files from their npm tarballs,
written only once each matches the hash the page checks."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from asgi_graphql import GRAPHIQL_ASSETS, GraphiQLAsset, graphiql_assets
from asgi_graphql.graphiql_assets import AssetMismatch, download, integrity_of, main

FAKE = {"a.css": b"a { }", "umd/b.js": b"var B = 1;", "c.js": b"var C = 1;"}
ASSETS = (
    GraphiQLAsset("one", "1.0.0", "a.css", integrity_of(FAKE["a.css"])),
    GraphiQLAsset("two", "2.0.0", "umd/b.js", integrity_of(FAKE["umd/b.js"]), "B"),
    GraphiQLAsset("one", "1.0.0", "c.js", integrity_of(FAKE["c.js"]), "C"),
)


def tarball(files: dict[str, bytes], directories: tuple[str, ...] = ("umd",)) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name in directories:
            info = tarfile.TarInfo(f"package/{name}")
            info.type = tarfile.DIRTYPE
            archive.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class Registry:
    """Serves the fake packages' tarballs, and remembers what was asked."""

    def __init__(self, files: dict[str, bytes] = FAKE) -> None:
        self.tarball = tarball(files)
        self.asked: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        return self.tarball


@pytest.fixture(autouse=True)
def fake_assets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(graphiql_assets, "GRAPHIQL_ASSETS", ASSETS)


def test_the_files_are_written_flat_each_tarball_fetched_once(tmp_path: Path) -> None:
    registry = Registry()
    paths = download(tmp_path / "static" / "graphiql", registry)
    assert [p.name for p in paths] == ["a.css", "b.js", "c.js"]
    assert [p.read_bytes() for p in paths] == list(FAKE.values())
    assert registry.asked == [
        "https://registry.npmjs.org/one/-/one-1.0.0.tgz",
        "https://registry.npmjs.org/two/-/two-2.0.0.tgz",
    ]


def test_a_file_of_another_hash_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    registry = Registry({**FAKE, "c.js": b"var C = 2; // not the pinned file"})
    with pytest.raises(AssetMismatch, match=r"one@1.0.0/c.js is sha384-.*, not the sha384-"):
        download(tmp_path / "out", registry)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "served",
    [
        tarball({"a.css": FAKE["a.css"]}),  # no umd/b.js
        tarball({}, directories=("a.css",)),  # a directory where the file should be
        b"<html>not found</html>",  # not a tarball
    ],
)
def test_a_tarball_without_the_file_is_refused(tmp_path: Path, served: bytes) -> None:
    with pytest.raises(AssetMismatch, match="is no package tarball holding"):
        download(tmp_path, lambda url: served)
    assert list(tmp_path.iterdir()) == []


def test_the_command_prints_the_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)], Registry()) == 0
    assert capsys.readouterr().out.splitlines() == [
        str(tmp_path / f) for f in ("a.css", "b.js", "c.js")
    ]


def test_the_command_says_what_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def offline(url: str) -> bytes:
        raise OSError(f"cannot reach {url}")

    assert main([str(tmp_path)], offline) == 1
    assert capsys.readouterr().err == (
        "error: cannot reach https://registry.npmjs.org/one/-/one-1.0.0.tgz\n"
    )
    assert main([str(tmp_path)], Registry({"a.css": b"other"})) == 1
    assert capsys.readouterr().err.startswith("error: one@1.0.0/a.css is sha384-")


@pytest.mark.skipif(
    os.environ.get("ASGI_TOOLKIT_NETWORK_TESTS") != "1",
    reason="reaches the npm registry: set ASGI_TOOLKIT_NETWORK_TESTS=1",
)
def test_the_pinned_hashes_are_those_of_the_published_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # pragma: no cover - needs the network
    monkeypatch.setattr(graphiql_assets, "GRAPHIQL_ASSETS", GRAPHIQL_ASSETS)
    paths = download(tmp_path)
    assert [integrity_of(p.read_bytes()) for p in paths] == [a.integrity for a in GRAPHIQL_ASSETS]


def test_the_default_fetch_reads_a_url(tmp_path: Path) -> None:
    served = tmp_path / "one-1.0.0.tgz"
    served.write_bytes(b"tarball bytes")
    assert graphiql_assets._fetch(served.as_uri()) == b"tarball bytes"  # no network needed
