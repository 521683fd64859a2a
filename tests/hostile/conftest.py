"""Shared helpers for hostile-input tests: an app echoing form results, multipart builders."""

from __future__ import annotations

from typing import Any

import pytest

from asgi_toolkit import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import JSONResponse
from asgi_toolkit.routing import Route
from asgi_testclient import TestClient

BOUNDARY = "hostileboundary"


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = BOUNDARY) -> bytes:
    """Encode (name, filename-or-None, data) parts as a multipart/form-data body."""
    out = bytearray()
    for name, filename, data in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"Content-Disposition: {disposition}\r\n\r\n".encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


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
