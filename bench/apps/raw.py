"""The benchmark app as a bare ASGI callable: the floor no framework can go under in Python.

It does the least a correct answer needs (status, headers, body; int check on the user id; JSON
parse and dump for echo) and nothing more, so the ratio against it is a framework's overhead.
"""

from __future__ import annotations

import json
from typing import Any

HELLO = b"Hello, World!"
_PLAIN_HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"13")]
_JSON_TYPE = (b"content-type", b"application/json")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


async def _send_json(send: Any, data: Any) -> None:
    body = _dumps(data).encode()
    headers = [_JSON_TYPE, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def app(scope: Any, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    path = scope["path"]
    if path == "/plaintext":
        await send({"type": "http.response.start", "status": 200, "headers": _PLAIN_HEADERS})
        await send({"type": "http.response.body", "body": HELLO})
    elif path == "/json":
        await _send_json(send, {"message": "Hello, World!"})
    elif path.startswith("/users/") and path[7:].isdigit():
        await _send_json(send, {"user_id": int(path[7:])})
    elif path == "/echo" and scope["method"] == "POST":
        await _send_json(send, json.loads(await _read_body(receive)))
    else:
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b"Not Found"})


middleware_app = app
