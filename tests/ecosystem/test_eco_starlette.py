"""Our routing, App and middleware mixed with Starlette, driven by our TestClient."""

from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.responses import PlainTextResponse as StarlettePlainTextResponse
from starlette.routing import Mount as StarletteMount
from starlette.routing import Route as StarletteRoute

from asgi_middleware import CORSMiddleware, GZipMiddleware
from asgi_requests import Request
from asgi_responses import JSONResponse, PlainTextResponse
from asgi_routing import Mount, Route, Router
from asgi_testclient import TestClient
from asgi_toolkit import App


async def our_item(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "id": request.path_params["item_id"],
            "root_path": request.scope["root_path"],
            "self": str(request.url_for("api:item", item_id=7)),
            "home": str(request.url_for("home")),
        }
    )


async def starlette_home(request: StarletteRequest) -> StarlettePlainTextResponse:
    return StarlettePlainTextResponse("home")


async def starlette_link(request: StarletteRequest) -> StarlettePlainTextResponse:
    return StarlettePlainTextResponse(str(request.url_for("api:item", item_id=3)))


def make_starlette_with_our_router() -> Starlette:
    ours = Router(routes=[Route("/items/{item_id:int}", our_item, name="item")])
    return Starlette(
        routes=[
            StarletteRoute("/", starlette_home, name="home"),
            StarletteRoute("/link", starlette_link),
            StarletteMount("/api", app=ours, name="api"),
        ]
    )


def test_our_router_inside_starlette_path_params_and_url_for() -> None:
    client = TestClient(make_starlette_with_our_router())
    response = client.get("/api/items/42")
    assert response.status_code == 200
    assert response.json() == {
        "id": 42,
        "root_path": "/api",
        "self": "http://testserver/api/items/7",
        "home": "http://testserver/",
    }
    assert client.get("/link").text == "http://testserver/api/items/3"


def test_our_router_miss_inside_starlette_is_404() -> None:
    client = TestClient(make_starlette_with_our_router(), raise_server_exceptions=False)
    assert client.get("/api/items/nope").status_code == 404


async def our_url(request: Request) -> PlainTextResponse:
    return PlainTextResponse(str(request.url))


def test_request_url_under_starlette_mount() -> None:
    ours = Router(routes=[Route("/where", our_url)])
    app = Starlette(routes=[StarletteMount("/api", app=ours)])
    assert TestClient(app).get("/api/where?x=1").text == "http://testserver/api/where?x=1"


def test_request_url_with_client_root_path() -> None:
    app = Router(routes=[Route("/where", our_url)])
    # As in Starlette's client, the test asks for the full path under root_path.
    response = TestClient(app, root_path="/prefix").get("/prefix/where")
    assert response.text == "http://testserver/prefix/where"


def test_our_router_inside_starlette_with_root_path() -> None:
    client = TestClient(make_starlette_with_our_router(), root_path="/prefix")
    response = client.get("/prefix/api/items/1")
    assert response.status_code == 200
    body = response.json()
    assert body["root_path"] == "/prefix/api"
    assert body["self"] == "http://testserver/prefix/api/items/7"


async def starlette_user(request: StarletteRequest) -> StarletteJSONResponse:
    return StarletteJSONResponse(
        {
            "name": request.path_params["name"],
            "root_path": request.scope["root_path"],
            "link": str(request.url_for("legacy:user", name="bob")),
        }
    )


async def our_home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("toolkit home")


def test_starlette_inside_our_app() -> None:
    legacy = Starlette(routes=[StarletteRoute("/users/{name}", starlette_name, name="user")])
    app = App(routes=[Route("/", our_home), Mount("/legacy", app=legacy, name="legacy")])
    client = TestClient(app)
    assert client.get("/").text == "toolkit home"
    response = client.get("/legacy/users/ada")
    assert response.status_code == 200
    assert response.json() == {"name": "ada", "root_path": "/legacy"}
    assert client.get("/legacy/nope").status_code == 404


async def starlette_name(request: StarletteRequest) -> StarletteJSONResponse:
    return StarletteJSONResponse(
        {"name": request.path_params["name"], "root_path": request.scope["root_path"]}
    )


def test_starlette_url_for_inside_our_app() -> None:
    legacy = Starlette(routes=[StarletteRoute("/users/{name}", starlette_user, name="user")])
    app = App(routes=[Route("/", our_home), Mount("/legacy", app=legacy, name="legacy")])
    client = TestClient(app)
    assert client.get("/").text == "toolkit home"
    response = client.get("/legacy/users/ada")
    assert response.status_code == 200
    assert response.json() == {
        "name": "ada",
        "root_path": "/legacy",
        "link": "http://testserver/legacy/users/bob",
    }
    assert client.get("/legacy/nope").status_code == 404


def test_our_middleware_wrapping_starlette() -> None:
    async def big(request: StarletteRequest) -> StarlettePlainTextResponse:
        return StarlettePlainTextResponse("y" * 4000)

    inner = Starlette(routes=[StarletteRoute("/big", big)])
    app = CORSMiddleware(
        GZipMiddleware(inner, minimum_size=100), allow_origins=["https://a.example"]
    )
    client = TestClient(app)
    response = client.get(
        "/big", headers={"Origin": "https://a.example", "Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["access-control-allow-origin"] == "https://a.example"
    assert response.text == "y" * 4000
    assert int(response.headers["content-length"]) < 4000
    preflight = client.options(
        "/big",
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://a.example"
