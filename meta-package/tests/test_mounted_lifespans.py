"""`App(routes=[Mount("/x", App(lifespan=...))])`: the mounted app's lifespan runs inside the
outer one, and its state is what requests under the mount see (over the outer state)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from asgi_toolkit import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse, PlainTextResponse
from asgi_toolkit.routing import Mount, Route
from asgi_toolkit.staticfiles import StaticFiles
from asgi_toolkit.testclient import TestClient


def recording(log: list[str], name: str, **state: Any) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
        log.append(f"enter {name} ({type(app).__name__})")
        yield state
        log.append(f"exit {name}")

    return lifespan


async def show(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "db": getattr(request.state, "db", None),
            "config": getattr(request.state, "config", None),
            "own tasks": request.state.tasks is request.app.tasks,
        }
    )


def test_a_mounted_app_lifespan_runs_inside_the_outer_one(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("static")
    log: list[str] = []
    inner = App(routes=[Route("/", show)], lifespan=recording(log, "inner", db="inner db"))
    app = App(
        routes=[
            Mount("/x", inner),
            Mount("/static", StaticFiles(directory=tmp_path)),  # no lifespan: skipped
            Route("/", show),
        ],
        lifespan=recording(log, "outer", db="outer db", config="cfg"),
    )
    with TestClient(app) as client:
        assert log == ["enter outer (App)", "enter inner (App)"]
        # Under the mount: the inner state over the outer one, and the inner app's task group.
        assert client.get("/x/").json() == {"db": "inner db", "config": "cfg", "own tasks": True}
        assert client.get("/").json() == {"db": "outer db", "config": "cfg", "own tasks": True}
        assert client.get("/static/a.txt").text == "static"
    assert log[2:] == ["exit inner", "exit outer"]
    assert inner.tasks.closed


def test_app_mount_run_lifespan_false_for_the_starlette_workaround() -> None:
    log: list[str] = []
    sub = App(routes=[Route("/", show)], lifespan=recording(log, "sub", db="sub db"))

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:  # how Starlette users run sub-apps
            await stack.enter_async_context(sub.router.lifespan_context(sub))
            yield

    app = App(lifespan=lifespan)
    app.mount("/sub", sub, run_lifespan=False)
    app.host("sub.example.org", sub, run_lifespan=False)
    with TestClient(app) as client:
        assert client.get("/sub/").json()["db"] is None  # its state went nowhere: ran by hand
    assert log == ["enter sub (App)", "exit sub"]


def test_a_mounted_app_failing_to_start_fails_the_app() -> None:
    @contextlib.asynccontextmanager
    async def broken(app: App) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield  # pragma: no cover

    log: list[str] = []
    app = App(routes=[Mount("/x", App(lifespan=broken))], lifespan=recording(log, "outer"))
    with pytest.raises(RuntimeError, match="^no database"), TestClient(app):
        raise AssertionError("never started")  # pragma: no cover
    assert log == ["enter outer (App)"]  # the outer generator was closed with the error


def test_plain_apps_under_a_mount_still_answer() -> None:
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hi")

    app = App(routes=[Mount("/x", App(routes=[Route("/", hello)]))])
    with TestClient(app) as client:
        assert client.get("/x/").text == "hi"
