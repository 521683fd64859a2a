import asyncio
import contextvars
from typing import Any

import pytest
from mw_apps import lifespan_app, run, template_like_app, text_app

from asgi_middleware import BaseHTTPMiddleware
from asgi_requests import Request
from asgi_responses import NotAResponse, PlainTextResponse, Response, StreamingResponse
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


class ForgetsReturn(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: Any) -> Response:
        await call_next(request)
        return None  # type: ignore[return-value]


def test_dispatch_returning_no_response_is_told_what_to_return() -> None:
    with pytest.raises(NotAResponse) as info:
        TestClient(ForgetsReturn(text_app())).get("/")
    assert str(info.value).startswith("ForgetsReturn.dispatch returned None, not a Response: ")
    assert "Return `await call_next(request)`" in str(info.value)

    async def as_text(request: Request, call_next: Any) -> Response:
        return "hello"  # type: ignore[return-value]

    with pytest.raises(NotAResponse, match="as_text returned a str") as text:
        TestClient(BaseHTTPMiddleware(text_app(), as_text)).get("/")
    assert "`return PlainTextResponse(...)`" in str(text.value)


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


async def passthrough(request: Request, call_next: Any) -> Response:
    return await call_next(request)  # type: ignore[no-any-return]


def drive(
    app: Any, incoming: list[dict[str, Any]], scope: dict[str, Any] | None = None
) -> tuple[list[Any], Any]:
    """The app's sends (and notes appended by the test), and a receive that fails when drained."""
    events: list[Any] = []
    queue = list(incoming)

    async def receive() -> dict[str, Any]:
        if not queue:
            raise AssertionError("receive() called once too often: it would hang")
        return queue.pop(0)

    async def send(message: dict[str, Any]) -> None:
        events.append(message)

    base = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    return events, (app, {**base, **(scope or {})}, receive, send)


async def test_downstream_background_runs_after_the_last_byte_is_sent() -> None:
    async def note() -> None:
        events.append("background")

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("hi", background=BackgroundTask(note))(scope, receive, send)

    events, (mw, scope, receive, send) = drive(BaseHTTPMiddleware(app, passthrough), [])

    async def slow_send(message: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)  # a slow client: the app must not run its task meanwhile
        await send(message)

    await mw(scope, receive, slow_send)
    assert [e if isinstance(e, str) else e["type"] for e in events] == [
        "http.response.start",
        "http.response.body",
        "http.response.body",
        "background",
    ]
    assert events[2] == {"type": "http.response.body", "body": b"", "more_body": False}


async def test_a_dropped_answer_ends_as_a_disconnect_for_the_app() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(3):  # sends wait while dispatch doesn't read, then go nowhere
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        seen.append((await receive())["type"])
        seen.append((await receive())["type"])

    async def replace(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    events, (mw, scope, receive, send) = drive(BaseHTTPMiddleware(app, replace), [])

    async def slow_send(message: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)  # the app fills the pipe meanwhile
        await send(message)

    await mw(scope, receive, slow_send)
    assert seen == ["http.disconnect", "http.disconnect"]  # the client was never asked
    assert events[1]["body"] == b"replaced"


async def test_an_app_waiting_on_receive_hears_the_end_of_the_response() -> None:
    seen: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        seen.append((await receive())["type"])  # the request body
        seen.append((await receive())["type"])  # pending when dispatch's answer goes out

    async def replace(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    hang = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if not seen:
            return {"type": "http.request", "body": b""}
        await hang.wait()  # the client stays: only the middleware can end the app's wait
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        await asyncio.sleep(0.01)  # the app is waiting on receive meanwhile

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    await asyncio.wait_for(BaseHTTPMiddleware(app, replace)(scope, receive, send), 2)
    assert seen == ["http.request", "http.disconnect"]


async def test_a_looping_app_whose_answer_was_dropped_can_still_be_cancelled() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        waiter = asyncio.ensure_future(receive())
        while not waiter.done():  # only yields through send
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        assert waiter.result()["type"] == "http.disconnect"

    async def replace(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    _, args = drive(BaseHTTPMiddleware(app, replace), [{"type": "http.request", "body": b""}])
    await asyncio.wait_for(args[0](*args[1:]), 2)


async def test_disconnect_seen_by_the_app_is_seen_by_dispatch_and_vice_versa() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "http.disconnect"
        assert (await receive())["type"] == "http.disconnect"  # remembered, not asked again
        await Response()(scope, receive, send)

    async def check(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        assert await request.is_disconnected()
        return response

    events, args = drive(BaseHTTPMiddleware(app, check), [{"type": "http.disconnect"}])
    await args[0](*args[1:])
    assert events[0]["status"] == 200

    async def body_then_app(scope: Any, receive: Any, send: Any) -> None:
        assert await receive() == {"type": "http.request", "body": b"hi", "more_body": False}
        assert (await receive())["type"] == "http.disconnect"
        await Response()(scope, receive, send)

    async def read_first(request: Request, call_next: Any) -> Response:
        assert await request.body() == b"hi"
        assert await request.is_disconnected()
        return await call_next(request)  # type: ignore[no-any-return]

    incoming = [{"type": "http.request", "body": b"hi"}, {"type": "http.disconnect"}]
    events, args = drive(BaseHTTPMiddleware(body_then_app, read_first), incoming)
    await args[0](*args[1:])
    assert events[0]["status"] == 200


async def test_disconnect_before_dispatch_read_the_body() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert (await receive())["type"] == "http.disconnect"
        await Response()(scope, receive, send)

    async def check(request: Request, call_next: Any) -> Response:
        assert await request.is_disconnected()
        return await call_next(request)  # type: ignore[no-any-return]

    events, args = drive(BaseHTTPMiddleware(app, check), [{"type": "http.disconnect"}])
    await args[0](*args[1:])
    assert events[0]["status"] == 200


async def test_dispatch_and_app_share_one_stream() -> None:
    got: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        got.append((await receive())["body"])  # the chunk dispatch didn't take
        await Response()(scope, receive, send)

    async def interleave(request: Request, call_next: Any) -> Response:
        response = None
        async for chunk in request.stream():
            got.append(chunk)
            if response is None:
                response = await call_next(request)
        assert response is not None
        return response

    incoming = [
        {"type": "http.request", "body": b"1", "more_body": True},
        {"type": "http.request", "body": b"2", "more_body": True},
        {"type": "http.request", "body": b"3"},
    ]
    _, args = drive(BaseHTTPMiddleware(app, interleave), incoming)
    await args[0](*args[1:])
    assert got == [b"1", b"2", b"3", b""]


async def test_the_app_streams_what_dispatch_didnt() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert await Request(scope, receive).body() == b"ab"
        await Response()(scope, receive, send)

    async def consume(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        with pytest.raises(RuntimeError):  # the app took the stream
            [chunk async for chunk in request.stream()]
        return response

    incoming = [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.request", "body": b"b"},
    ]
    events, args = drive(BaseHTTPMiddleware(app, consume), incoming)
    await args[0](*args[1:])
    assert events[0]["status"] == 200


async def test_a_body_streamed_by_dispatch_is_empty_for_the_app() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        assert await receive() == {"type": "http.request", "body": b"", "more_body": False}
        await Response()(scope, receive, send)

    async def stream(request: Request, call_next: Any) -> Response:
        assert [chunk async for chunk in request.stream()] == [b"a", b""]
        return await call_next(request)  # type: ignore[no-any-return]

    _, args = drive(BaseHTTPMiddleware(app, stream), [{"type": "http.request", "body": b"a"}])
    await args[0](*args[1:])


async def test_early_hints_go_out_before_the_answer() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.early_hint", "links": [b"</a.css>; rel=preload"]})
        await PlainTextResponse("hello")(scope, receive, send)

    events, args = drive(BaseHTTPMiddleware(app, passthrough), [])
    await args[0](*args[1:])
    assert [e["type"] for e in events] == [
        "http.response.early_hint",
        "http.response.start",
        "http.response.body",
        "http.response.body",
    ]


async def test_pathsend_passes_through_as_the_last_message() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.pathsend", "path": "/tmp/x"})

    events, args = drive(BaseHTTPMiddleware(app, passthrough), [])
    await args[0](*args[1:])
    assert events[1:] == [{"type": "http.response.pathsend", "path": "/tmp/x"}]


async def test_empty_chunks_are_not_forwarded() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"", "more_body": True})
        await send({"type": "http.response.body", "body": b"a"})

    events, args = drive(BaseHTTPMiddleware(app, passthrough), [])
    await args[0](*args[1:])
    assert [e["body"] for e in events[1:]] == [b"a", b""]


async def test_app_failing_after_its_answer_was_dropped_is_raised() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise ValueError("late")

    async def replace(request: Request, call_next: Any) -> Response:
        await call_next(request)
        return PlainTextResponse("replaced")

    events, args = drive(BaseHTTPMiddleware(app, replace), [])
    with pytest.raises(ValueError, match="late"):
        await args[0](*args[1:])
    assert events[1]["body"] == b"replaced"


async def test_dispatchs_own_streaming_answer_hears_the_disconnect() -> None:
    async def endless() -> Any:
        while True:
            yield b"x"
            await asyncio.sleep(0)

    async def own(request: Request, call_next: Any) -> Response:
        return StreamingResponse(endless())

    incoming = [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}]
    events, args = drive(BaseHTTPMiddleware(text_app(), own), incoming)
    await asyncio.wait_for(args[0](*args[1:]), 2)
    assert events[0]["type"] == "http.response.start"


async def test_cancelling_the_request_cancels_the_apps_wait_on_the_client() -> None:
    waits: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()  # the client sends nothing: only cancellation ends this

    async def receive() -> dict[str, Any]:
        waits.append("waiting")
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            waits.append("cancelled")
            raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def send(message: dict[str, Any]) -> None:  # pragma: no cover - nothing is sent
        raise AssertionError(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(BaseHTTPMiddleware(app, passthrough)(scope, receive, send), 0.05)
    await asyncio.sleep(0)
    assert waits == ["waiting", "cancelled"]
