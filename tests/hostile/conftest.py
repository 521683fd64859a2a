"""Fixtures for hostile-input tests: an app that parses forms with default and raised limits."""

from __future__ import annotations

from typing import Any

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse
from asgi_toolkit.routing import Route


async def form_echo(request: Request) -> JSONResponse:
    async with request.form(max_files=20_000, max_fields=200_000) as form:
        result: dict[str, Any] = {"count": len(form.multi_items())}
    return JSONResponse(result)


async def form_default(request: Request) -> JSONResponse:
    async with request.form() as form:
        return JSONResponse({"count": len(form.multi_items())})


@pytest.fixture
def client() -> TestClient:
    app = App(
        routes=[
            Route("/form", form_echo, methods=["POST"]),
            Route("/default", form_default, methods=["POST"]),
        ]
    )
    return TestClient(app, raise_server_exceptions=False)
