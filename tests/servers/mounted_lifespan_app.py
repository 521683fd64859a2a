"""An app mounting an app with a lifespan, for uvicorn: each lifespan prints as it runs."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from asgi_toolkit import App
from asgi_toolkit.requests import Request
from asgi_toolkit.responses import PlainTextResponse
from asgi_toolkit.routing import Mount, Route


def printing(name: str) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
        print(f"lifespan: enter {name}", flush=True)
        yield {"who": name}
        print(f"lifespan: exit {name}", flush=True)

    return lifespan


async def who(request: Request) -> PlainTextResponse:
    return PlainTextResponse(request.state.who)


inner = App(routes=[Route("/", who)], lifespan=printing("inner"))
app = App(routes=[Mount("/inner", inner), Route("/", who)], lifespan=printing("outer"))
