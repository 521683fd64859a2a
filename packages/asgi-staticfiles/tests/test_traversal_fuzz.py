"""Property: whatever the request path, lookup_path finds nothing outside the served root."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asgi_staticfiles import StaticFiles

SEGMENTS = st.sampled_from(
    [
        "..",
        ".",
        "",
        "sub",
        "hello.txt",
        "secret.txt",
        "link",
        "\\..",
        "..\\",
        "C:",
        "c:..",
        "\x00",
        "%2e%2e",
        "...",
        "//",
        "~",
    ]
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[StaticFiles, StaticFiles, str]:
    """A root holding a file, a folder and a link to its parent, next to a secret."""
    base = tmp_path_factory.mktemp("fuzz")
    root = base / "root"
    (root / "sub").mkdir(parents=True)
    (root / "hello.txt").write_text("hello")
    (base / "secret.txt").write_text("secret")
    (root / "link").symlink_to(base)
    strict = StaticFiles(directory=root)
    following = StaticFiles(directory=root, follow_symlink=True)
    return strict, following, os.path.realpath(root)


@settings(max_examples=400, deadline=None)
@given(parts=st.lists(SEGMENTS, max_size=8))
def test_lookup_never_escapes(
    served: tuple[StaticFiles, StaticFiles, str], parts: list[str]
) -> None:
    strict, following, root = served
    path = strict.get_path({"path": "/" + "/".join(parts)})
    full_path, stat_result = strict.lookup_path(path)
    if stat_result is None:
        assert full_path == ""
    else:
        assert os.path.commonpath([os.path.realpath(full_path), root]) == root
    # Following links may leave through "link" (that is its point) but never through "..".
    full_path, _ = following.lookup_path(path)
    assert full_path == "" or os.path.commonpath([full_path, root]) == root
