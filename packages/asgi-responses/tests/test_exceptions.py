"""NotAResponse: what was returned instead of a Response, and what to return."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import pytest

from asgi_responses import JSONResponse, NotAResponse, PlainTextResponse, Response


async def make() -> Response:
    return PlainTextResponse("made")  # pragma: no cover - closed before it runs


@pytest.mark.parametrize(
    ("value", "what", "fix"),
    [
        ({"a": 1}, "a dict", "`return JSONResponse(...)`"),
        ([1, 2], "a list", "`return JSONResponse(...)`"),
        (None, "None", "did you forget `return`?"),
        ("hi", "a str", "`return PlainTextResponse(...)`"),
        (b"hi", "a bytes", "`return Response(content, media_type=...)`"),
        (JSONResponse, "the class JSONResponse", "`return JSONResponse(...)`"),
        (42, "an int", "return a Response (or any ASGI app"),
    ],
)
def test_the_message_names_who_what_and_the_fix(value: Any, what: str, fix: str) -> None:
    error = NotAResponse("Endpoint 'home'", value)
    assert isinstance(error, TypeError)  # what calling a dict or None raised before
    assert str(error).startswith(f"Endpoint 'home' returned {what}, not a Response: ")
    assert fix in str(error)
    assert (error.returned_by, error.value) == ("Endpoint 'home'", value)


def test_a_coroutine_is_named_and_closed() -> None:
    coroutine = make()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "never awaited" RuntimeWarning would fail here
        error = NotAResponse("Endpoint 'home'", coroutine)
        del coroutine
    assert "returned a coroutine that was never awaited" in str(error)
    assert "`await` the call that made it" in str(error)
    assert inspect.getcoroutinestate(error.value) == inspect.CORO_CLOSED  # type: ignore[arg-type]


def test_a_fix_of_the_callers_own_replaces_the_usual_one() -> None:
    error = NotAResponse("M.dispatch", None, fix="return `await call_next(request)`")
    assert (
        str(error) == "M.dispatch returned None, not a Response: return `await call_next(request)`"
    )


def test_explains_only_what_cannot_be_a_response() -> None:
    assert NotAResponse.explains({"a": 1})
    assert NotAResponse.explains(None)
    assert NotAResponse.explains(PlainTextResponse)  # the class where an instance belongs
    assert not NotAResponse.explains(PlainTextResponse("ok"))  # its own error is its own
    assert not NotAResponse.explains(lambda scope, receive, send: None)  # any ASGI app
    assert not NotAResponse.explains(dict)  # a class that is no Response may be an app
