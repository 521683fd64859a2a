"""An example app using most of asgi-toolkit. Serve it with `nox -s serve`.

Routes:
    GET  /                    the static index page (redirect)
    GET  /static/...          static files from examples/static/
    GET  /api/hello/{name}    JSON greeting
    GET  /api/items/{id:int}  JSON item, 404 for unknown ids
    POST /upload              multipart upload: name, size and sha256 of the file
    POST /signup              JSON in; a background task records the signup after responding
    GET  /signups             what the background task recorded
    GET  /api/ticks?n=3       server-sent events: n ticks, a second apart (it ends by itself
                              when the server is told to stop, so SIGTERM is never held)
    WS   /ws                  echo

Every answer carries an X-Request-ID (the client's, if plain, else a new one), and the app's log
lines name it.
    *    /graphql             GraphQL (graphene)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import graphene

from asgi_graphql import GraphQLApp
from asgi_toolkit import (
    App,
    BackgroundTask,
    HTTPException,
    JSONResponse,
    Mount,
    RedirectResponse,
    Request,
    Route,
    StaticFiles,
    WebSocket,
    WebSocketDisconnect,
    WebSocketRoute,
)
from asgi_toolkit.middleware import Middleware
from asgi_toolkit.middleware.gzip import GZipMiddleware
from asgi_toolkit.middleware.requestid import RequestIdFilter, RequestIdMiddleware
from asgi_toolkit.responses import EventSourceResponse

# Our own handler: uvicorn configures only its loggers, so without one these lines would be lost.
logger = logging.getLogger("examples.app")
if not logger.handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(
        logging.Formatter("%(levelname)s:     [example %(request_id)s] %(message)s")
    )
    _handler.addFilter(RequestIdFilter())  # "-" outside a request
    logger.addHandler(_handler)
    logger.setLevel(logging.INFO)

STATIC_DIR = Path(__file__).parent / "static"
ITEMS = {1: {"id": 1, "name": "kettle"}, 2: {"id": 2, "name": "teapot"}}


async def home(request: Request) -> RedirectResponse:
    return RedirectResponse(request.url_for("static", path="/index.html"))


async def hello(request: Request) -> JSONResponse:
    name = request.path_params["name"]
    return JSONResponse({"hello": name})


async def item(request: Request) -> JSONResponse:
    item_id = request.path_params["item_id"]
    if item_id not in ITEMS:
        raise HTTPException(404, f"No item {item_id}")
    return JSONResponse(ITEMS[item_id])


async def upload(request: Request) -> JSONResponse:
    async with request.form(max_files=1, max_fields=10) as form:
        file = form.get("file")
        if file is None or isinstance(file, str):
            raise HTTPException(400, "Send the file in a form field named 'file'")
        data = await file.read()
        return JSONResponse(
            {
                "filename": file.filename,
                "content_type": file.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "note": form.get("note", ""),
            }
        )


async def record_signup(signups: list[str], email: str) -> None:
    signups.append(email)
    logger.info("recorded signup of %s", email)


async def signup(request: Request) -> JSONResponse:
    try:
        payload = await request.json()
    except ValueError:
        raise HTTPException(400, "The body must be JSON") from None
    email = payload.get("email") if isinstance(payload, dict) else None
    if not isinstance(email, str) or "@" not in email:
        raise HTTPException(400, "Send {'email': '...'} with a valid address")
    # request.state holds the lifespan state: the list is shared by every request.
    task = BackgroundTask(record_signup, request.state.signups, email)
    return JSONResponse({"queued": email}, status_code=202, background=task)


async def signups(request: Request) -> JSONResponse:
    return JSONResponse({"signups": request.state.signups})


MAX_TICKS = 60


async def ticks(request: Request) -> EventSourceResponse:
    try:
        count = int(request.query_params.get("n", "3"))
    except ValueError:
        raise HTTPException(400, "n must be a whole number") from None
    if not 1 <= count <= MAX_TICKS:
        raise HTTPException(400, f"n must be between 1 and {MAX_TICKS}")

    async def events() -> AsyncIterator[dict[str, Any]]:
        for tick in range(1, count + 1):
            yield {"event": "tick", "data": str(tick), "id": str(tick)}
            if tick < count:
                await asyncio.sleep(1)

    return EventSourceResponse(events())


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            await websocket.send_text(f"echo: {text}")
    except WebSocketDisconnect:
        pass


class Query(graphene.ObjectType):  # type: ignore[misc]
    hello = graphene.String(name=graphene.String(default_value="stranger"))
    item = graphene.Field(graphene.String, id=graphene.Int(required=True))

    def resolve_hello(self, info: Any, name: str) -> str:
        return f"Hello {name}"

    def resolve_item(self, info: Any, id: int) -> str | None:
        found = ITEMS.get(id)
        return None if found is None else str(found["name"])


@contextlib.asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Any]]:
    # The server logs the address it listens on; these lines say what there is to try there.
    logger.info(
        "ready: %d routes, static files from %s, debug page %s",
        len(app.routes),
        STATIC_DIR,
        "ON" if app.debug else "off (EXAMPLE_DEBUG=1 turns it on)",
    )
    logger.info(
        "try: / (static index), /api/hello/you, /api/items/1, /api/ticks (events), "
        "/graphql (GraphiQL), /ws (echo)"
    )
    yield {"signups": []}
    logger.info("stopped")


app = App(
    routes=[
        Route("/", home),
        Route("/api/hello/{name}", hello),
        Route("/api/items/{item_id:int}", item),
        Route("/upload", upload, methods=["POST"]),
        Route("/signup", signup, methods=["POST"]),
        Route("/signups", signups),
        Route("/api/ticks", ticks),
        WebSocketRoute("/ws", echo),
        Route("/graphql", GraphQLApp(graphene.Schema(query=Query)), name="graphql"),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ],
    middleware=[Middleware(RequestIdMiddleware), Middleware(GZipMiddleware, minimum_size=500)],
    lifespan=lifespan,
    max_body_size=10 * 1024 * 1024,
    debug=os.environ.get("EXAMPLE_DEBUG") == "1",
)
