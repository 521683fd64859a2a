"""One app, built from whichever framework's names are passed in.

Starlette and asgi-toolkit share an API, so the very same function builds both apps: the
comparison measures the frameworks, not two authors' styles.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

OTHER_ROUTES = 50
HELLO = "Hello, World!"


def build(application: Any, routing: ModuleType, responses: ModuleType, **app_kwargs: Any) -> Any:
    route = routing.Route
    plain = responses.PlainTextResponse
    as_json = responses.JSONResponse

    async def plaintext(request: Any) -> Any:
        return plain(HELLO)

    async def json_endpoint(request: Any) -> Any:
        return as_json({"message": HELLO})

    async def user(request: Any) -> Any:
        return as_json({"user_id": request.path_params["user_id"]})

    async def other(request: Any) -> Any:
        return as_json({"item_id": request.path_params["item_id"]})

    async def echo(request: Any) -> Any:
        return as_json(await request.json())

    async def upload(request: Any) -> Any:
        async with request.form(max_part_size=1024 * 1024) as form:
            sizes = {}
            for key, value in form.multi_items():
                if hasattr(value, "read"):
                    total = 0
                    while chunk := await value.read(1 << 20):
                        total += len(chunk)
                    sizes[key] = total
            return as_json(sizes)

    routes = [route("/plaintext", plaintext), route("/json", json_endpoint)]
    routes += [route(f"/items{i}/{{item_id:int}}", other) for i in range(OTHER_ROUTES)]
    routes += [
        route("/users/{user_id:int}", user),
        route("/echo", echo, methods=["POST"]),
        route("/upload", upload, methods=["POST"]),
    ]
    return application(routes=routes, **app_kwargs)
