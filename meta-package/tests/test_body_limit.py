"""RequestBodyLimitMiddleware in front of an App whose routes have limits of their own."""

from asgi_testclient import TestClient
from asgi_toolkit import App, Mount, PlainTextResponse, Request, Response, Route
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
