"""An app whose sessions live in Redis, for two server processes that must share them."""

from __future__ import annotations

import os

from asgi_middleware import SessionMiddleware
from asgi_middleware.sessions_redis import RedisSessionStore
from asgi_requests import Request
from asgi_responses import JSONResponse
from asgi_routing import Route, Router

store = RedisSessionStore(os.environ["SESSIONS_REDIS_URL"], index_key="user_id")


def answer(request: Request, **extra: object) -> JSONResponse:
    session = request.session
    return JSONResponse({"pid": os.getpid(), "id": session.id, "data": session, **extra})


async def login(request: Request) -> JSONResponse:
    request.session["user_id"] = request.query_params["user"]
    request.session.rotate()  # a new id at login: one planted before it is worth nothing
    return answer(request)


async def me(request: Request) -> JSONResponse:
    return answer(request)


async def add(request: Request) -> JSONResponse:
    request.session["items"] = [*request.session.get("items", []), request.query_params["item"]]
    return answer(request)


async def rotate(request: Request) -> JSONResponse:
    request.session.rotate()
    return answer(request)


async def logout_everywhere(request: Request) -> JSONResponse:
    revoked = await store.revoke_user(request.session["user_id"])
    return answer(request, revoked=revoked)


app = SessionMiddleware(
    Router(
        [
            Route("/login", login),
            Route("/me", me),
            Route("/add", add),
            Route("/rotate", rotate),
            Route("/logout-everywhere", logout_everywhere, methods=["POST"]),
        ]
    ),
    secret_key="shared by every process",
    max_age=int(os.environ["SESSIONS_MAX_AGE"]),
    store=store,
)
