import asyncio
import contextvars
from typing import Any

import pytest
from mw_apps import lifespan_app, run, template_like_app, text_app

from asgi_middleware import BaseHTTPMiddleware
from asgi_requests import Request
from asgi_responses import PlainTextResponse, Response
from asgi_tasks import BackgroundTask
from asgi_testclient import TestClient

var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")


class AddHeader(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["x-mw"] = "yes"
        return response


def test_subclass_dispatch_adds_header() -> None:
    response = TestClient(AddHeader(text_app())).get("/")
    assert (response.text, response.headers["x-mw"]) == ("hello", "yes")


def test_dispatch_function_and_body_replay() -> None:
    async def echo(scope: Any, receive: Any, send: Any) -> None:
        body = await Request(scope, receive).body()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"app saw " + body})

    async def dispatch(request: Request, call_next: Any) -> Response:
        assert await request.body() == b"payload"
        return await call_next(request)  # type: ignore[no-any-return]

    response = TestClient(BaseHTTPMiddleware(echo, dispatch)).post("/", content=b"payload")
    assert response.text == "app saw payload"


def test_body_untouched_by_dispatch_and_disconnect_reaches_app() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((await receive())["type"])
        seen.append((await receive())["type"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def dispatch(request: Request, call_next: Any) -> Response:
        return await call_next(request)  # type: ignore[no-any-return]

    run(BaseHTTPMiddleware(app, dispatch), {"type": "http"})
    assert seen == ["http.request", "http.disconnect"]


def test_streaming_passes_chunks_in_order() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 201, "headers": [(b"x-a", b"1")]})
        for i in range(40):  # more than the queue holds: backpressure, no deadlock
            await send({"type": "http.response.body", "body": b"%d," % i, "more_body": True})
        await send({"type": "http.response.body", "body": b"end"})

    sent = run(AddHeader(app), {"type": "http"})
    assert sent[0]["status"] == 201
    assert (b"x-mw", b"yes") in sent[0]["headers"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert body == b"".join(b"%d," % i for i in range(40)) + b"end"


def test_exception_in_app_reaches_dispatch_with_traceback() -> None:
    caught: list[BaseException] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError("downstream")

    async def dispatch(request: Request, call_next: Any) -> Response:
        try:
            return await call_next(request)  # type: ignore[no-any-return]
        except ValueError as exc:
            caught.append(exc)
            return PlainTextResponse("handled", 500)

    response = TestClient(BaseHTTPMiddleware(app, dispatch)).get("/")
    assert response.text == "handled"
    tb = caught[0].__traceback__
    names = []
    while tb is not None:
        names.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    assert names[-1] == "app"


def test_exception_unhandled_propagates() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise ValueError("downstream")

    with pytest.raises(ValueError, match="downstream"):
        TestClient(AddHeader(app)).get("/")


def test_exception_mid_stream_propagates() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        raise ValueError("mid")

    sent: list[Any] = []
    with pytest.raises(ValueError, match="mid"):
        run(AddHeader(app), {"type": "http"}, sent=sent)
    assert sent[0]["status"] == 200


def test_no_response() -> None:
    async def silent(scope: Any, receive: Any, send: Any) -> None:
        pass

    async def body_first(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.body", "body": b"x"})

    for app in (silent, body_first):
        with pytest.raises(RuntimeError, match="No response returned."):
            run(AddHeader(app), {"type": "http"})


def test_call_next_twice() -> None:
    async def dispatch(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return await call_next(request)  # type: ignore[no-any-return]

    with pytest.raises(RuntimeError, match="only be called once"):
        run(BaseHTTPMiddleware(text_app(), dispatch), {"type": "http"})


def test_background_tasks_run() -> None:
    done: list[str] = []

    async def task() -> None:
        await asyncio.sleep(0.01)
        done.append("downstream")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("ok", background=BackgroundTask(task))(scope, receive, send)

    async def dispatch(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.background = BackgroundTask(done.append, "dispatch")
        return response

    assert TestClient(BaseHTTPMiddleware(app, dispatch)).get("/").text == "ok"
    assert sorted(done) == ["dispatch", "downstream"]


def test_failing_background_task_is_raised() -> None:
    def fail() -> None:
        raise KeyError("bg")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("ok", background=BackgroundTask(fail))(scope, receive, send)

    with pytest.raises(KeyError, match="bg"):
        run(AddHeader(app), {"type": "http"})


def test_dispatch_ignoring_call_next_response() -> None:
    finished: list[bool] = []

    async def chatty(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(40):
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        finished.append(True)

    async def dispatch(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    sent = run(BaseHTTPMiddleware(chatty, dispatch), {"type": "http"})
    assert sent[1]["body"] == b"replaced"
    assert finished == [True]


def test_dispatch_without_call_next() -> None:
    async def dispatch(request: Request, call_next: Any) -> Response:
        return PlainTextResponse("short-circuit", 403)

    response = TestClient(BaseHTTPMiddleware(text_app(), dispatch)).get("/")
    assert (response.status_code, response.text) == (403, "short-circuit")


def test_dispatch_raising_cancels_app() -> None:
    cancelled: list[bool] = []

    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def dispatch(request: Request, call_next: Any) -> Response:
        await call_next(request)
        raise LookupError("dispatch failed")

    with pytest.raises(LookupError):
        run(BaseHTTPMiddleware(slow, dispatch), {"type": "http"})
    assert cancelled == [True]

    async def no_call(request: Request, call_next: Any) -> Response:
        raise LookupError("before")

    with pytest.raises(LookupError):
        run(BaseHTTPMiddleware(slow, no_call), {"type": "http"})


def test_contextvars_reach_downstream() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse(var.get())(scope, receive, send)

    async def dispatch(request: Request, call_next: Any) -> Response:
        var.set("from dispatch")
        return await call_next(request)  # type: ignore[no-any-return]

    assert TestClient(BaseHTTPMiddleware(app, dispatch)).get("/").text == "from dispatch"


def test_not_implemented_and_other_scopes() -> None:
    with pytest.raises(NotImplementedError):
        TestClient(BaseHTTPMiddleware(text_app())).get("/")
    with TestClient(BaseHTTPMiddleware(lifespan_app)):
        pass


def test_other_messages_skipped_and_early_end() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await send({"type": "http.response.trailers", "headers": []})
        # returns without the final body message

    sent = run(AddHeader(app), {"type": "http"})
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"a"
    assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}


def test_debug_info_passes_through_with_the_downstream_answer() -> None:
    async def keep(request: Request, call_next: Any) -> Response:
        return await call_next(request)  # type: ignore[no-any-return]

    async def replace(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    response = TestClient(BaseHTTPMiddleware(template_like_app, keep)).get("/")
    assert (response.text, response.template) == ("x" * 1000, "t.html")  # type: ignore[attr-defined]
    response = TestClient(BaseHTTPMiddleware(template_like_app, replace)).get("/")
    assert response.text == "replaced"
    assert not hasattr(response, "template")  # the info belonged to the answer dispatch dropped
