"""`pip install asgi-toolkit` has no third-party dependency; the pieces that need one say which extra."""

from __future__ import annotations

import importlib
import sys

import pytest

from asgi_toolkit._extras import extra_missing


@pytest.mark.parametrize(
    ("module", "package", "extra"),
    [
        ("asgi_toolkit.testclient", "asgi_testclient", "testclient"),
        ("asgi_toolkit.graphql", "asgi_graphql", "graphql"),
    ],
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, module: str, package: str, extra: str
) -> None:
    monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setitem(sys.modules, package, None)  # as if the extra were not installed
    with pytest.raises(ModuleNotFoundError) as caught:
        importlib.import_module(module)
    assert f"pip install 'asgi-toolkit[{extra}]'" in str(caught.value)
    assert caught.value.name == package


def test_another_missing_module_keeps_its_own_error() -> None:
    error = ModuleNotFoundError("No module named 'requests'", name="requests")
    assert extra_missing(error, "asgi_testclient", "testclient") is error
