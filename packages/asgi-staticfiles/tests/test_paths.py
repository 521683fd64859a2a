from __future__ import annotations

import os
from pathlib import Path

import pytest

from asgi_staticfiles._paths import (
    has_encoded_attack,
    is_unsafe,
    resolve_inside,
    split_request_path,
)


@pytest.mark.parametrize(
    ("route_path", "expected"),
    [
        ("/", ""),
        ("", ""),
        ("/a/b.txt", "a/b.txt"),
        ("//a///./b/", "a/b"),
        ("/../x", "../x"),
    ],
)
def test_split_request_path(route_path: str, expected: str) -> None:
    assert split_request_path(route_path) == expected


@pytest.mark.parametrize(
    "relative",
    [
        "..",
        "a/../../b",
        "a/..",
        "x\x00.txt",
        "a\\..\\b",
        "C:",
        "c:/Windows",
        "Z:boot.ini",
        "a/C:/x",
    ],
)
def test_unsafe_paths(relative: str) -> None:
    assert is_unsafe(relative)


@pytest.mark.parametrize("relative", ["", "a", "a/b.txt", "..a", "a..", "ab:c", "1:/x", "a/bc:d"])
def test_safe_paths(relative: str) -> None:
    assert not is_unsafe(relative)


@pytest.mark.parametrize(
    "raw", [b"/%2e%2e/x", b"/.%2E/x", b"/%2e./x", b"/a%2Fb", b"/a%5cb", b"/a%00b"]
)
def test_encoded_attacks(raw: bytes) -> None:
    assert has_encoded_attack(raw)


@pytest.mark.parametrize("raw", [None, b"/a/b.txt", b"/a%20b", b"/%2ejs", b"/a.b"])
def test_no_encoded_attack(raw: bytes | None) -> None:
    assert not has_encoded_attack(raw)


def test_resolve_inside(tmp_path: Path) -> None:
    root = os.path.realpath(tmp_path)
    assert resolve_inside(root, "a/b", follow_symlink=False) == os.path.join(root, "a", "b")
    assert resolve_inside(root, "", follow_symlink=False) == root
    assert resolve_inside(root, "../x", follow_symlink=True) is None
    assert resolve_inside(root, "/etc/passwd", follow_symlink=False) is None


def test_resolve_symlink_out(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    real = os.path.realpath(root)
    assert resolve_inside(real, "link/x", follow_symlink=False) is None
    assert resolve_inside(real, "link/x", follow_symlink=True) == os.path.join(real, "link", "x")
