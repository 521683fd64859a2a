import logging
from typing import Any

import pytest
from mw_apps import lifespan_app, run

from asgi_middleware import ServerErrorMiddleware
from asgi_middleware._debug_page import debug_html
from asgi_protocol.exceptions import ClientDisconnect
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


def test_handler_hears_of_errors_after_the_response_started() -> None:
    heard: list[str] = []

    def handler(request: Any, exc: Exception) -> Any:
        heard.append(str(exc))
        return JSONResponse({"never": "sent"}, status_code=500)

    sent: list[Any] = []
    with pytest.raises(ValueError, match="late"):
        run(ServerErrorMiddleware(broken_after_start, handler=handler), {"type": "http"}, sent=sent)
    assert heard == ["late"]
    assert [m["status"] for m in sent] == [200]


def test_ok_and_other_scopes() -> None:
    with TestClient(ServerErrorMiddleware(lifespan_app)):
        pass


# The debug page: what a person needs to fix the bug.


def _page_for(app: Any, **headers: str) -> str:
    client = TestClient(ServerErrorMiddleware(app, debug=True), raise_server_exceptions=False)
    response = client.get("/orders?id=7", headers={"Accept": "text/html", **headers})
    assert response.status_code == 500
    return response.text


async def failing_lookup(scope: Any, receive: Any, send: Any) -> None:
    order_id = "<7>"
    raise KeyError(order_id)


def test_debug_page_names_the_request_and_hides_credentials() -> None:
    page = _page_for(
        failing_lookup,
        Authorization="Bearer s3cr3t",
        Cookie="session=abc",
        **{"X-Api-Key": "k3y", "User-Agent": "probe/1.0"},
    )
    assert "GET http://testserver/orders?id=7" in page
    assert "testclient:50000" in page
    assert "probe/1.0" in page
    for secret in ("s3cr3t", "session=abc", "k3y"):
        assert secret not in page
    # Authorization, Cookie and X-Api-Key in the headers, and the cookie in its own table.
    assert page.count("(hidden)") == 4


def test_debug_page_opens_app_frames_with_locals_and_folds_library_frames() -> None:
    page = _page_for(failing_lookup)
    # The headline points at the line of app code that raised, not at the framework.
    assert "test_errors.py, line" in page.split("<h2>")[0]
    assert "in failing_lookup" in page.split("<h2>")[0]
    app_frame = page.split('<details class="frame app" open>')[1].split("</details>")[0]
    assert "failing_lookup" in app_frame
    assert "order_id" in app_frame
    assert "&#x27;&lt;7&gt;&#x27;" in app_frame
    assert '<details class="frame library"><summary>' in page  # the middleware's own frame
    assert "asgi_middleware" in page.split('<details class="frame library">')[1]
    assert '<pre id="debug-text">' in page.split("<summary>Plain text")[1]


def test_debug_page_shows_chained_exceptions() -> None:
    async def caused(scope: Any, receive: Any, send: Any) -> None:
        try:
            int("x")
        except ValueError as exc:
            raise RuntimeError("could not parse") from exc

    page = _page_for(caused)
    assert "RuntimeError: could not parse" in page
    assert "ValueError: invalid literal for int()" in page
    assert "which was the direct cause of the error above" in page

    async def context(scope: Any, receive: Any, send: Any) -> None:
        try:
            _ = {"a": 1}["k"]
        except KeyError:
            raise RuntimeError("cleanup failed")  # noqa: B904 - the implicit context is the point

    page = _page_for(context)
    assert "during the handling of which the error above happened" in page
    assert "KeyError: &#x27;k&#x27;" in page

    async def suppressed(scope: Any, receive: Any, send: Any) -> None:
        try:
            _ = {"a": 1}["k"]
        except KeyError:
            raise RuntimeError("clean") from None

    page = _page_for(suppressed)
    assert "<h2>RuntimeError: clean</h2>" in page
    assert "<h2>KeyError" not in page
    assert "during the handling" not in page


def test_debug_page_survives_cycles_and_missing_tracebacks() -> None:
    first, second = ValueError("a"), ValueError("b")
    first.__cause__, second.__cause__ = second, first
    page = debug_html(first)
    assert page.count("<h2>ValueError: a</h2>") == 1
    assert page.count("<h2>ValueError: b</h2>") == 1
    assert "no traceback" in page
    assert "No traceback." in page


def test_debug_page_when_only_library_frames() -> None:
    import json

    try:
        json.loads("{")
    except ValueError as exc:
        error = exc
    error.__traceback__ = error.__traceback__.tb_next  # type: ignore[union-attr]  # drop our frame
    page = debug_html(error)
    assert 'class="where">' in page
    assert "decoder.py, line" in page
    assert '<details class="frame library" open>' in page  # the innermost frame is opened


def test_debug_page_frames_without_locals_or_source() -> None:
    def no_locals() -> None:
        raise LookupError

    namespace: dict[str, Any] = {}
    exec(
        compile("def generated():\n    raise LookupError('gen')\n", "<generated>", "exec"),
        namespace,
    )
    for func in (no_locals, namespace["generated"]):
        try:
            func()
        except LookupError as exc:
            page = debug_html(exc)
        frame = page.split('<details class="frame app" open>')[1].split("</details>")[0]
        assert 'class="locals"' not in frame


def test_values_are_bounded_after_their_secrets_are_struck() -> None:
    from asgi_middleware._debug_page import MAX_REPR, bounded

    long = bounded("x" * 10_000)
    assert len(long) == MAX_REPR + 1
    assert long.endswith("…")
    assert bounded("7") == "7"

    async def long_local(scope: Any, receive: Any, send: Any) -> None:
        token = "t0ken-value-long"
        padded = "p" * (MAX_REPR - 5) + token  # cut in the middle of the secret
        raise KeyError(padded, token)

    page = _page_for(long_local)
    assert "t0ken" not in page
    assert "p" * (MAX_REPR - 5) + "(hid…" in page  # the mask is cut, never the secret


def test_debug_text_names_the_request() -> None:
    client = TestClient(ServerErrorMiddleware(broken, debug=True), raise_server_exceptions=False)
    text = client.post("/x?y=1").text
    assert text.startswith("500 Server Error for POST http://testserver/x?y=1\n\nTraceback")


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("client", "who"), [(("10.0.0.1", 5000), "10.0.0.1:5000"), (None, "unknown")]
)
async def test_a_client_that_left_is_answered_nothing_and_noted_in_one_line(
    debug: bool, client: Any, who: str, caplog: pytest.LogCaptureFixture
) -> None:
    async def reading(scope: Any, receive: Any, send: Any) -> None:
        raise ClientDisconnect()

    handled: list[Exception] = []

    async def handler(request: Any, exc: Exception) -> Any:
        handled.append(exc)  # pragma: no cover

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)  # pragma: no cover

    scope = {"type": "http", "method": "POST", "path": "/up\nload", "headers": [], "client": client}
    caplog.set_level(logging.DEBUG)
    await ServerErrorMiddleware(reading, handler=handler, debug=debug)(scope, None, send)
    assert (sent, handled) == ([], [])
    assert [(r.name, r.levelno, r.getMessage(), r.exc_info) for r in caplog.records] == [
        (
            "asgi_middleware.errors",
            logging.DEBUG,
            f"client {who} disconnected: POST '/up\\nload'",
            None,
        )
    ]
