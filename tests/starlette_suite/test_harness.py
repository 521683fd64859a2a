"""The harness itself: the verdict rules and the import map (run before the suite)."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import import_map
import pytest
from run import summarise


def test_all_listed_failures_pass_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = {"tests/a.py::t1": "passed", "tests/a.py::t2": "failed"}
    assert summarise(outcomes, {}, {}, {"tests/a.py::t2": "why"}) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "starlette-suite: 1 passed, 1 failed of 2"


def test_an_unlisted_failure_fails_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert summarise({"tests/a.py::t1": "failed"}, {}, {}, {}) == 1
    assert "failed and not listed" in capsys.readouterr().out


def test_a_listed_test_that_passes_fails_the_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert summarise({"tests/a.py::t1": "passed"}, {}, {}, {"tests/a.py::t1": "why"}) == 1
    assert "passing or gone" in capsys.readouterr().out


def test_a_listed_test_that_did_not_run_is_stale_only_in_a_whole_run() -> None:
    expected = {"tests/b.py::gone": "why"}
    assert summarise({"tests/a.py::t1": "passed"}, {}, {}, expected) == 1
    assert summarise({"tests/a.py::t1": "passed"}, {}, {}, expected, whole_suite=False) == 0


def test_a_file_that_does_not_import_counts_its_tests() -> None:
    broken = {"tests/c.py": 3}
    assert summarise({}, {"tests/c.py": "ImportError"}, broken, {}) == 1
    assert summarise({}, {"tests/c.py": "ImportError"}, broken, {"tests/c.py": "why"}) == 0


def test_nothing_run_is_a_failure_of_setup() -> None:
    assert summarise({}, {}, {}, {}) == 2


@pytest.fixture
def finder() -> Iterator[None]:
    import_map.install()
    yield
    for name in [n for n in sys.modules if n == "starlette" or n.startswith("starlette.")]:
        del sys.modules[name]


def test_starlette_names_reach_our_modules(finder: None) -> None:
    from starlette.applications import Starlette  # type: ignore[import-not-found]
    from starlette.responses import JSONResponse  # type: ignore[import-not-found]

    import asgi_toolkit

    assert Starlette is asgi_toolkit.App
    assert JSONResponse is asgi_toolkit.JSONResponse


def test_writes_through_a_view_reach_our_module(finder: None) -> None:
    import starlette.status as view  # type: ignore[import-not-found]

    import asgi_toolkit.status

    view.SENTINEL = 1
    assert asgi_toolkit.status.SENTINEL == 1  # type: ignore[attr-defined]
    del view.SENTINEL
    assert not hasattr(asgi_toolkit.status, "SENTINEL")


def test_a_monkeypatch_through_a_view_is_undone_on_our_module(
    finder: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import starlette.concurrency as view  # type: ignore[import-not-found]

    import asgi_toolkit.concurrency

    original = asgi_toolkit.concurrency.run_in_threadpool
    monkeypatch.setattr(view, "run_in_threadpool", "patched")
    assert asgi_toolkit.concurrency.run_in_threadpool == "patched"
    monkeypatch.undo()
    assert asgi_toolkit.concurrency.run_in_threadpool is original


def test_a_missing_name_is_reported_under_the_name_imported(finder: None) -> None:
    import starlette.status as view  # type: ignore[import-not-found]

    with pytest.raises(AttributeError, match="^module 'starlette.status' has no attribute 'NOPE'"):
        _ = view.NOPE


def test_a_module_missing_from_the_map_does_not_import(finder: None) -> None:
    with pytest.raises(ModuleNotFoundError, match="no counterpart in the import map"):
        import starlette._private_unknown  # type: ignore[import-not-found]  # noqa: F401


def test_other_modules_are_left_alone(finder: None) -> None:
    assert import_map.StarletteFinder().find_spec("json", None) is None
    assert isinstance(sys.modules["json"], types.ModuleType)


def test_a_private_module_answers_name_by_name(finder: None) -> None:
    from starlette._utils import (  # type: ignore[import-not-found]
        create_collapsing_task_group,
        is_async_callable,
    )

    from asgi_toolkit.concurrency import is_async_callable as ours

    assert is_async_callable is ours
    with pytest.raises(NotImplementedError, match="private to Starlette"):
        create_collapsing_task_group()
    with pytest.raises(ImportError):
        from starlette._utils import unknown  # type: ignore[import-not-found]  # noqa: F401


def test_patching_a_private_module_patches_ours(finder: None) -> None:
    from starlette import _exception_handler  # type: ignore[attr-defined]

    import asgi_middleware.exception_handlers

    original = asgi_middleware.exception_handlers.run_in_threadpool
    _exception_handler.run_in_threadpool = "patched"
    assert asgi_middleware.exception_handlers.run_in_threadpool == "patched"
    del _exception_handler.run_in_threadpool
    assert asgi_middleware.exception_handlers.run_in_threadpool is original
