"""BlackSheep's version of the benchmark app (a Cython-accelerated framework), where it installs."""

from __future__ import annotations

from typing import Any

from blacksheep import Application, Request, json, text
from blacksheep.server.compression import use_gzip_compression
from blacksheep.server.routing import Router

HELLO = "Hello, World!"


def _build(with_middleware: bool) -> Application:
    # Each app gets its own router: BlackSheep's default one is shared per process.
    application = Application(router=Router())
    get = application.router.get

    @get("/plaintext")
    async def plaintext() -> Any:
        return text(HELLO)

    @get("/json")
    async def json_endpoint() -> Any:
        return json({"message": HELLO})

    for i in range(50):

        async def other(item_id: int) -> Any:
            return json({"item_id": item_id})

        get(f"/items{i}/{{int:item_id}}")(other)

    @get("/users/{int:user_id}")
    async def user(user_id: int) -> Any:
        return json({"user_id": user_id})

    @application.router.post("/echo")
    async def echo(request: Request) -> Any:
        return json(await request.json())

    if with_middleware:
        application.use_cors(allow_methods="*", allow_origins="*", allow_headers="*")
        use_gzip_compression(application)
    return application


app = _build(with_middleware=False)
middleware_app = _build(with_middleware=True)
