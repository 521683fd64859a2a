"""Templates in a whole App: url_for across routes, through middleware, seen by the test client."""

from __future__ import annotations

from pathlib import Path

import pytest

from asgi_testclient import TestClient
from asgi_toolkit import App, Middleware, Mount, Request, Response, Route, StaticFiles
from asgi_toolkit.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from asgi_toolkit.middleware.gzip import GZipMiddleware
from asgi_toolkit.templating import Jinja2Templates


class Stamp(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["x-stamp"] = "1"
        return response


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    (tmp_path / "templates").mkdir()
    (tmp_path / "static").mkdir()
    (tmp_path / "templates" / "item.html").write_text(
        "<link href='{{ url_for('static', path='/site.css') }}'>"
        "<a href='{{ url_for('item', item_id=item_id + 1) }}'>next</a>"
        "{{ 'x' * 600 }}"
    )
    templates = Jinja2Templates(directory=tmp_path / "templates")

    async def item(request: Request) -> Response:
        item_id = request.path_params["item_id"]
        return templates.TemplateResponse(request, "item.html", {"item_id": item_id})

    app = App(
        routes=[
            Route("/items/{item_id:int}", item, name="item"),
            Mount("/static", StaticFiles(directory=tmp_path / "static"), name="static"),
        ],
        middleware=[Middleware(GZipMiddleware, minimum_size=500), Middleware(Stamp)],
    )
    return TestClient(app)


def test_template_with_url_for_through_middleware(client: TestClient) -> None:
    response = client.get("/items/1", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["x-stamp"] == "1"
    assert response.text.startswith(
        "<link href='http://testserver/static/site.css'><a href='http://testserver/items/2'>"
    )
    assert response.template.name == "item.html"
    assert response.context["item_id"] == 1
