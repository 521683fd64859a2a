from typing import Any

import pytest
from mw_apps import lifespan_app, run

from asgi_middleware import ServerErrorMiddleware
from asgi_middleware._debug_page import debug_html
from asgi_responses import JSONResponse
from asgi_testclient import TestClient


async def broken(scope: Any, receive: Any, send: Any) -> None:
    raise ValueError("<script>boom</script>")


async def broken_after_start(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    raise ValueError("late")


def test_plain_500_and_reraise() -> None:
    client = TestClient(ServerErrorMiddleware(broken), raise_server_exceptions=False)
    response = client.get("/")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    with pytest.raises(ValueError, match="boom"):
        TestClient(ServerErrorMiddleware(broken)).get("/")


def test_debug_html_escapes() -> None:
    client = TestClient(ServerErrorMiddleware(broken, debug=True), raise_server_exceptions=False)
    response = client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "&lt;script&gt;boom&lt;/script&gt;" in response.text
    assert "<script>boom" not in response.text
    assert "raise ValueError(&quot;&lt;script&gt;boom&lt;/script&gt;&quot;)" in response.text
    assert "line current" in response.text


def test_debug_text() -> None:
    client = TestClient(ServerErrorMiddleware(broken, debug=True), raise_server_exceptions=False)
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("text/plain")
    assert "Traceback" in response.text
    assert "ValueError: <script>boom</script>" in response.text


def test_debug_html_without_traceback() -> None:
    page = debug_html(KeyError("k"))
    assert "KeyError: &#x27;k&#x27;" in page


async def async_handler(request: Any, exc: Exception) -> Any:
    return JSONResponse({"error": str(exc), "path": request.url.path}, status_code=500)


def sync_handler(request: Any, exc: Exception) -> Any:
    return JSONResponse({"sync": True}, status_code=503)


def none_handler(request: Any, exc: Exception) -> Any:
    return None


def test_custom_handlers() -> None:
    client = TestClient(
        ServerErrorMiddleware(broken, handler=async_handler), raise_server_exceptions=False
    )
    assert client.get("/x").json() == {"error": "<script>boom</script>", "path": "/x"}
    client = TestClient(
        ServerErrorMiddleware(broken, handler=sync_handler), raise_server_exceptions=False
    )
    assert client.get("/").status_code == 503


def test_handler_returning_none_sends_nothing() -> None:
    with pytest.raises(ValueError, match="boom"):
        run(ServerErrorMiddleware(broken, handler=none_handler), {"type": "http"})


def test_response_started_only_reraises() -> None:
    sent: list[Any] = []
    with pytest.raises(ValueError, match="late"):
        run(ServerErrorMiddleware(broken_after_start), {"type": "http"}, sent=sent)
    assert [m["status"] for m in sent] == [200]  # no 500 after the start


def test_ok_and_other_scopes() -> None:
    with TestClient(ServerErrorMiddleware(lifespan_app)):
        pass
