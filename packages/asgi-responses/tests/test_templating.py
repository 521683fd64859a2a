"""Jinja2Templates and TemplateResponse, driven as raw ASGI apps."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from asgi_protocol.datastructures import URL
from asgi_responses.templating import Jinja2Templates, TemplateResponse
from asgi_tasks import BackgroundTask
from asgi_testclient import TestClient


class FakeRequest:
    """The one method templates call on a request."""

    def __init__(self, scope: Any) -> None:
        self.path = scope["path"]

    def url_for(self, name: str, /, **params: Any) -> URL:
        return URL(f"http://testserver/{name}/{params.get('id', '')}")


@pytest.fixture
def templates(tmp_path: Path) -> Jinja2Templates:
    (tmp_path / "page.html").write_text(
        "<h1>{{ title }}</h1><a href='{{ url_for('items', id=3) }}'>{{ request.path }}</a>"
        "{% if user %} by {{ user }}{% endif %}"
    )
    return Jinja2Templates(directory=tmp_path)


def app_for(templates: Jinja2Templates, **kwargs: Any) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        request = FakeRequest(scope)
        response = templates.TemplateResponse(request, "page.html", **kwargs)
        await response(scope, receive, send)

    return app


def test_renders_with_request_and_url_for(templates: Jinja2Templates) -> None:
    response = TestClient(app_for(templates, context={"title": "Tea"})).get("/shop")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == "<h1>Tea</h1><a href='http://testserver/items/3'>/shop</a>"
    assert response.template.name == "page.html"  # type: ignore[attr-defined]
    assert response.context["title"] == "Tea"  # type: ignore[attr-defined]
    assert isinstance(response.context["request"], FakeRequest)  # type: ignore[attr-defined]


def test_context_values_are_escaped(templates: Jinja2Templates) -> None:
    app = app_for(templates, context={"title": "<script>x</script>"})
    assert "<h1>&lt;script&gt;x&lt;/script&gt;</h1>" in TestClient(app).get("/").text


def test_status_headers_media_type_and_background(templates: Jinja2Templates) -> None:
    ran: list[str] = []
    task = BackgroundTask(ran.append, "done")
    app = app_for(
        templates,
        context={"title": "Gone"},
        status_code=410,
        headers={"X-Page": "1"},
        media_type="application/xhtml+xml",
        background=task,
    )
    response = TestClient(app).get("/")
    assert response.status_code == 410
    assert response.headers["x-page"] == "1"
    assert response.headers["content-type"].startswith("application/xhtml+xml")
    assert ran == ["done"]


def test_context_processors_add_to_every_page(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("{{ title }}{% if user %} by {{ user }}{% endif %}")

    def current_user(request: Any) -> dict[str, str]:
        return {"user": "ada"}

    templates = Jinja2Templates(tmp_path, context_processors=[current_user])
    assert TestClient(app_for(templates, context={"title": "T"})).get("/").text == "T by ada"


def test_an_environment_of_your_own(templates: Jinja2Templates) -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"page.html": "{{ 1 + 1 }}"}), autoescape=True
    )
    env.globals["url_for"] = "kept"
    mine = Jinja2Templates(env=env)
    assert mine.env is env
    assert env.globals["url_for"] == "kept"  # a url_for of your own is not replaced
    assert TestClient(app_for(mine)).get("/").text == "2"
    assert mine.get_template("page.html").render() == "2"


def test_outside_the_test_client_no_debug_message(templates: Jinja2Templates) -> None:
    import asyncio

    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:  # pragma: no cover - a response doesn't read
        return {"type": "http.disconnect"}

    template = templates.get_template("page.html")
    response = TemplateResponse(template, {"title": "X", "request": FakeRequest({"path": "/"})})
    asyncio.run(response({"type": "http", "method": "GET", "path": "/"}, receive, send))
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]


def test_bad_arguments_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="either 'directory' or 'env'"):
        Jinja2Templates()
    # An AssertionError too: Starlette asserts there, and code written for it catches that.
    with pytest.raises(AssertionError, match="either 'directory' or 'env' arguments must be"):
        Jinja2Templates(tmp_path, env=jinja2.Environment(autoescape=True))
    templates = Jinja2Templates(tmp_path)
    with pytest.raises(TypeError, match="takes the request first"):
        templates.TemplateResponse("page.html", {"request": None})  # type: ignore[arg-type]
    with pytest.raises(jinja2.TemplateNotFound):
        templates.TemplateResponse(FakeRequest({"path": "/"}), "missing.html")


def test_several_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "only-in-b.html").write_text("from b")
    templates = Jinja2Templates([tmp_path / "a", tmp_path / "b"])
    assert templates.get_template("only-in-b.html").render() == "from b"


def test_without_jinja2_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(RuntimeError, match=r"pip install 'asgi-responses\[templates\]'"):
        Jinja2Templates(tmp_path)
