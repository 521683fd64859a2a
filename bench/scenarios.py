"""The requests every benchmark sends, and what a correct answer to each looks like."""

from __future__ import annotations

import json
from dataclasses import dataclass

ECHO_BODY = json.dumps(
    {"id": 12345, "name": "benchmark", "tags": [f"tag{i}" for i in range(60)], "pad": "x" * 430}
).encode()
assert 1000 <= len(ECHO_BODY) <= 1100, len(ECHO_BODY)


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    body: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    middleware: bool = False  # served by the app with CORS + GZip in front
    expect: bytes = b""  # a fragment the response body must contain


SCENARIOS = [
    Scenario("plaintext", "GET", "/plaintext", expect=b"Hello, World!"),
    Scenario("json", "GET", "/json", expect=b'"message"'),
    Scenario("users", "GET", "/users/42", expect=b"42"),
    Scenario(
        "echo",
        "POST",
        "/echo",
        body=ECHO_BODY,
        headers=((b"content-type", b"application/json"),),
        expect=b"benchmark",
    ),
    Scenario(
        "middleware",
        "GET",
        "/plaintext",
        headers=((b"origin", b"https://example.org"), (b"accept-encoding", b"gzip, br")),
        middleware=True,
        expect=b"Hello, World!",
    ),
]

FRAMEWORKS = {
    "raw": "bench.apps.raw",
    "ours": "bench.apps.ours",
    "starlette": "bench.apps.starlette_app",
    "blacksheep": "bench.apps.blacksheep_app",
}
