"""Helpers shared by the hostile tests: a multipart body builder, and a raw ASGI driver."""

from __future__ import annotations

from typing import Any

from asgi_toolkit.types import ASGIApp, Receive

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


async def _empty_body() -> Any:
    return {"type": "http.request", "body": b""}


async def drive(
    app: ASGIApp,
    path: str,
    headers: list[tuple[bytes, bytes]],
    *,
    method: str = "GET",
    receive: Receive = _empty_body,
    sent: list[Any] | None = None,
) -> list[Any]:
    """One request straight into `app`, headers as raw as a lax server could pass them (the
    test client would tidy them): the messages it sent, into `sent` when given (so they are
    there even when the app raises)."""
    messages: list[Any] = [] if sent is None else sent

    async def send(message: Any) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": headers,
        "query_string": b"",
    }
    await app(scope, receive, send)
    return messages
