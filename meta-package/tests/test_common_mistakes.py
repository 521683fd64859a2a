"""The newcomer's usual slips, through the App and the TestClient: each error names the fix.

The packages test each exception's every case; these check that an App built the way the
tutorial builds one surfaces them, at the line where the mistake is made when it can.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest

from asgi_lifetime import InvalidLifespan
from asgi_testclient import TestClient
from asgi_toolkit import App, Middleware, PlainTextResponse, Request, Response, Route
from asgi_toolkit.exceptions import StateNotSet
from asgi_toolkit.middleware.cors import CORSMiddleware
from asgi_toolkit.responses import NotAResponse
from asgi_toolkit.routing import InvalidMiddleware


async def as_dict(request: Request) -> dict[str, str]:
    return {"hello": "world"}


def test_an_endpoint_returning_a_dict_is_told_to_return_a_json_response() -> None:
    client = TestClient(App(routes=[Route("/", as_dict)]))  # type: ignore[arg-type]
    with pytest.raises(NotAResponse, match=r"^Endpoint 'as_dict' returned a dict") as info:
        client.get("/")
    assert "`return JSONResponse(...)`" in str(info.value)


def test_a_bare_middleware_class_is_refused_when_the_app_is_made() -> None:
    with pytest.raises(InvalidMiddleware, match=r"Middleware\(CORSMiddleware, \.\.\.\)"):
        App(middleware=[CORSMiddleware])  # type: ignore[list-item]
    # One added later to the public list is refused when the stack is built.
    app = App()
    app.user_middleware.append(CORSMiddleware)  # type: ignore[arg-type]
    with pytest.raises(InvalidMiddleware), TestClient(app):
        pass  # pragma: no cover
    assert App(middleware=[Middleware(CORSMiddleware, allow_origins=["*"])])


@contextlib.contextmanager
def sync_lifespan(app: App) -> Iterator[None]:
    yield  # pragma: no cover - refused before it is entered


def test_a_contextmanager_lifespan_fails_the_startup_showing_the_async_shape() -> None:
    app = App(lifespan=sync_lifespan)  # type: ignore[arg-type]
    with (
        pytest.raises(InvalidLifespan, match="'sync_lifespan' is a sync context manager") as info,
        TestClient(app),
    ):
        pass  # pragma: no cover
    assert "@contextlib.asynccontextmanager\n    async def sync_lifespan(app):" in str(info.value)


@contextlib.asynccontextmanager
async def connects(app: App) -> AsyncIterator[dict[str, str]]:
    app.state.db = "app db"
    yield {"conn": "request conn"}


async def read_state(request: Request) -> Response:
    where = request.query_params["where"]
    owner = request.app.state if where == "app" else request.state
    return PlainTextResponse(getattr(owner, request.query_params["name"]))


def test_state_read_before_the_lifespan_ran_says_to_use_with() -> None:
    client = TestClient(App(routes=[Route("/", read_state)], lifespan=connects))
    for where, name in (("app", "db"), ("request", "conn")):
        with pytest.raises(StateNotSet) as info:
            client.get("/", params={"where": where, "name": name})
        assert f"no attribute {name!r}: nothing has set it, and no lifespan has run" in str(
            info.value
        )
        assert "use `with TestClient(app) as client:`" in str(info.value)
    with client:
        assert client.get("/", params={"where": "app", "name": "db"}).text == "app db"
        assert client.get("/", params={"where": "request", "name": "conn"}).text == "request conn"
        for where in ("app", "request"):
            with pytest.raises(StateNotSet) as info:
                client.get("/", params={"where": where, "name": "typo"})
            assert "Set it before it is read" in str(info.value)
            assert "TestClient" not in str(info.value)
