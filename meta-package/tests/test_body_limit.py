"""RequestBodyLimitMiddleware in front of an App whose routes have limits of their own."""

from typing import Any

from asgi_testclient import TestClient
from asgi_toolkit import App, Middleware, Mount, PlainTextResponse, Request, Response, Route
from asgi_toolkit.middleware.body_limit import RequestBodyLimitMiddleware


async def echo(request: Request) -> Response:
    return PlainTextResponse(f"got {len(await request.body())}")


def client(limit: int) -> TestClient:
    app = App(
        routes=[
            Route("/default", echo, methods=["POST"]),
            Route("/upload", echo, methods=["POST"], max_body_size=10),
            Mount("/small", routes=[Route("/", echo, methods=["POST"])], max_body_size=2),
        ]
    )
    return TestClient(RequestBodyLimitMiddleware(app, max_body_size=limit))


def chunked(data: bytes) -> object:
    yield data[:4]
    yield data[4:]


def test_a_route_limit_replaces_the_one_in_front() -> None:
    c = client(5)
    for content in (b"12345678", chunked(b"12345678")):
        assert c.post("/upload", content=content).text == "got 8"
    assert c.post("/default", content=b"123456").status_code == 413
    assert c.post("/default", content=chunked(b"123456")).status_code == 413
    assert c.post("/small/", content=b"123").status_code == 413
    assert c.post("/small/", content=b"12").text == "got 2"


class ReadAll:
    """A user middleware that reads the whole body before the app runs (which gets none)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            while (await receive()).get("more_body"):
                pass

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": b""}

        await self.app(scope, receive, send)


def test_the_app_limit_caps_what_user_middleware_reads() -> None:
    app = App(
        routes=[
            Route("/", echo, methods=["POST"]),
            Route("/up", echo, methods=["POST"], max_body_size=10),
        ],
        middleware=[Middleware(ReadAll)],
        max_body_size=5,
    )
    c = TestClient(app)
    response = c.post("/", content=chunked(b"x" * 100_000))
    assert (response.status_code, response.text) == (
        413,
        "Content Too Large",
    )
    assert c.post("/", content=chunked(b"12345")).text == "got 0"  # ReadAll had it all
    # Read before the route is reached, a body is held to the app's limit, not the route's.
    assert c.post("/up", content=chunked(b"12345678")).status_code == 413
