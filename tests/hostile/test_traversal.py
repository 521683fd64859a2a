"""Path traversal against StaticFiles in every encoding: always 404 (or 405/400), never the secret."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from asgi_protocol.types import Message
from asgi_toolkit.staticfiles import StaticFiles

SECRET = b"TOP-SECRET-CONTENT"


@pytest.fixture
def static(tmp_path: Path) -> StaticFiles:
    root = tmp_path / "public"
    root.mkdir()
    (root / "ok.txt").write_bytes(b"fine")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    os.symlink(tmp_path, root / "linkdir")
    return StaticFiles(directory=root)


def call(app: StaticFiles, raw_path: bytes) -> tuple[int, bytes]:
    """Drive the app directly so the path reaches it exactly as a server would decode it."""
    from urllib.parse import unquote_to_bytes

    path = unquote_to_bytes(raw_path).decode("utf-8", "surrogateescape")
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": raw_path, "root_path": "",
        "query_string": b"", "headers": [(b"host", b"testserver")], "server": ("testserver", 80),
    }  # fmt: skip
    messages: list[Message] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    return messages[0]["status"], body


def test_sanity_a_normal_file_is_served(static: StaticFiles) -> None:
    assert call(static, b"/ok.txt") == (200, b"fine")


@pytest.mark.parametrize(
    "raw",
    [
        b"/../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/secret.txt",
        b"/..%2fsecret.txt",
        b"/%2e%2e%2fsecret.txt",
        b"/..%5csecret.txt",
        b"/..\\secret.txt",
        b"/ok.txt/../../secret.txt",
        b"/%252e%252e/secret.txt",
        b"/..%00/secret.txt",
        b"/secret.txt%00.txt",
        b"//etc/passwd",
        b"/%2fetc%2fpasswd",
        b"/C:/Windows/win.ini",
        b"/C:%5cWindows%5cwin.ini",
        b"/%c0%ae%c0%ae/secret.txt",
        b"/%ff%fe/secret.txt",
        b"/link.txt",
        b"/linkdir/secret.txt",
    ],
)
def test_traversal_never_escapes(static: StaticFiles, raw: bytes) -> None:
    status, body = call(static, raw)
    assert SECRET not in body
    assert status in (400, 404)


def test_absolute_path_to_the_secret(static: StaticFiles, tmp_path: Path) -> None:
    raw = str(tmp_path / "secret.txt").encode()
    status, body = call(static, raw)
    assert SECRET not in body
    assert status == 404
