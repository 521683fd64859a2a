import asyncio
import contextlib
import logging
import time
from typing import Any

import pytest
from mw_apps import lifespan_app, run, text_app

from asgi_middleware.timeout import TIMEOUT_SCOPE_KEY, TimeoutMiddleware
from asgi_protocol.types import ASGIApp, Receive, Scope, Send
from asgi_responses import PlainTextResponse
from asgi_testclient import TestClient

SHORT = 0.05  # seconds: every limit that should be hit
LONG = 10.0  # seconds: every wait that should be cut


def sleeper(seconds: float, log: list[str] | None = None) -> ASGIApp:
    """Answers after `seconds`; notes in `log` when its finally block ran (and finished)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(seconds)
        finally:
            await asyncio.sleep(0)  # a cleanup that awaits still runs to its end
            (log if log is not None else []).append("finally")
        await PlainTextResponse("slept")(scope, receive, send)

    return app


def test_a_handler_past_its_limit_gets_a_504_and_is_cancelled() -> None:
    log: list[str] = []
    client = TestClient(TimeoutMiddleware(sleeper(LONG, log), timeout=SHORT))
    began = time.monotonic()
    response = client.get("/")
    assert time.monotonic() - began < LONG / 2
    assert (response.status_code, response.text) == (504, "Gateway Timeout")
    assert log == ["finally"]


def test_a_handler_within_its_limit_is_untouched() -> None:
    response = TestClient(TimeoutMiddleware(sleeper(0), timeout=LONG)).get("/")
    assert (response.status_code, response.text) == (200, "slept")


def test_the_timeout_is_logged_in_one_warning_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, "asgi_middleware.timeout"):
        TestClient(TimeoutMiddleware(sleeper(LONG), timeout=0.04)).get("/slow")
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records] == [
        ("WARNING", "GET '/slow' ran past its 0.04s limit: cancelled, answered 504", None)
    ]


def test_an_answer_already_started_is_left_to_finish() -> None:
    async def streams(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(3):
            await asyncio.sleep(SHORT)  # together well past the limit
            await send({"type": "http.response.body", "body": b"x", "more_body": True})
        await send({"type": "http.response.body", "body": b"end"})

    response = TestClient(TimeoutMiddleware(streams, timeout=SHORT / 2)).get("/")
    assert (response.status_code, response.content) == (200, b"xxxend")


def test_early_hints_pass_while_the_timer_runs() -> None:
    async def hints(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.early_hint", "links": [b"</a.css>; rel=preload"]})
        await asyncio.sleep(LONG)

    sent = run(TimeoutMiddleware(hints, timeout=SHORT), {"type": "http"})
    assert [m["type"] for m in sent] == [
        "http.response.early_hint",
        "http.response.start",
        "http.response.body",
    ]
    assert sent[1]["status"] == 504


def test_reading_a_slow_body_counts() -> None:
    async def reads(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await PlainTextResponse("read")(scope, receive, send)

    async def main() -> list[Any]:
        sent: list[Any] = []

        async def receive() -> Any:
            await asyncio.sleep(LONG)  # a client that never sends its body

        async def send(message: Any) -> None:
            sent.append(message)

        await TimeoutMiddleware(reads, timeout=SHORT)({"type": "http"}, receive, send)
        return sent

    assert asyncio.run(main())[0]["status"] == 504


def test_an_app_that_swallows_its_cancellation_still_answers_504() -> None:
    async def stubborn(scope: Scope, receive: Receive, send: Send) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # wrong, but it happens
            await asyncio.sleep(LONG)
        await PlainTextResponse("late")(scope, receive, send)

    sent = run(TimeoutMiddleware(stubborn, timeout=SHORT), {"type": "http"})
    assert [sent[0]["status"], sent[1]["body"]] == [504, b"Gateway Timeout"]
    assert len(sent) == 2  # nothing of the late answer


def test_an_app_that_swallows_its_cancellation_and_returns() -> None:
    async def quits(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(LONG)
        except asyncio.CancelledError:
            return

    sent = run(TimeoutMiddleware(quits, timeout=SHORT), {"type": "http"})
    assert sent[0]["status"] == 504


def test_the_apps_own_timeout_error_is_not_a_504() -> None:
    async def own(scope: Scope, receive: Receive, send: Send) -> None:
        raise TimeoutError("the database did not answer")

    with pytest.raises(TimeoutError, match="database"):
        run(TimeoutMiddleware(own, timeout=LONG), {"type": "http"})


def test_a_cancellation_from_outside_is_not_a_504() -> None:
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def main() -> None:
        task = asyncio.ensure_future(
            TimeoutMiddleware(sleeper(LONG), timeout=LONG)({"type": "http"}, None, send)  # type: ignore[arg-type]
        )
        await asyncio.sleep(SHORT)
        task.cancel()  # the server going down, say
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert sent == []


def test_a_cancellation_from_outside_after_ours_goes_on() -> None:
    async def cancelled_twice(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(LONG)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # the server's, arriving while ours is being handled
            await asyncio.sleep(0)

    async def main() -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        app = TimeoutMiddleware(cancelled_twice, timeout=SHORT)
        with pytest.raises(asyncio.CancelledError):
            await app({"type": "http"}, None, send)  # type: ignore[arg-type]
        return sent

    assert asyncio.run(main()) == []  # no 504: the task is going away


def test_requests_on_one_loop_share_its_watch() -> None:
    app = TimeoutMiddleware(sleeper(LONG), timeout=SHORT)

    async def one(delay: float) -> int:
        await asyncio.sleep(delay)
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        await app({"type": "http"}, None, send)  # type: ignore[arg-type]
        return int(sent[0]["status"])

    async def main() -> list[int]:
        return await asyncio.gather(one(0), one(0), one(SHORT / 2), one(SHORT * 3))

    began = time.monotonic()
    assert asyncio.run(main()) == [504] * 4  # each at its own time, none early or lost
    assert time.monotonic() - began < SHORT * 4 + 0.5


def test_not_in_a_task() -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[BaseException] = loop.create_future()

        def drive() -> None:  # a coroutine stepped by hand, from a callback: no task
            coroutine = TimeoutMiddleware(sleeper(0))({"type": "http"}, None, None)  # type: ignore[arg-type]
            try:
                coroutine.send(None)
            except RuntimeError as exc:
                done.set_result(exc)

        loop.call_soon(drive)
        assert "must run in an asyncio task" in str(await done)

    asyncio.run(main())


def test_the_scope_key_is_gone_afterwards() -> None:
    scope: dict[str, Any] = {"type": "http"}
    seen: list[Any] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope.get(TIMEOUT_SCOPE_KEY))
        await text_app()(scope, receive, send)

    run(TimeoutMiddleware(app), scope)
    assert seen[0] is not None
    assert TIMEOUT_SCOPE_KEY not in scope


def nested(outer: float, inner: float, app: ASGIApp) -> ASGIApp:
    """An app-wide limit, and a route's further in."""
    return TimeoutMiddleware(TimeoutMiddleware(app, timeout=inner), timeout=outer)


def test_a_shorter_inner_limit_wins() -> None:
    began = time.monotonic()
    sent = run(nested(LONG, SHORT, sleeper(LONG)), {"type": "http"})
    assert sent[0]["status"] == 504
    assert time.monotonic() - began < LONG / 2  # the inner limit's time, not the outer's


def test_never_before_the_limit() -> None:
    sent = run(TimeoutMiddleware(sleeper(0.1), timeout=0.3), {"type": "http"})
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"slept")


def test_a_longer_inner_limit_wins() -> None:
    sent = run(nested(SHORT, LONG, sleeper(SHORT * 3)), {"type": "http"})
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"slept")


def test_the_inner_limit_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "asgi_middleware.timeout"):
        run(nested(LONG, 0.03, sleeper(LONG)), {"type": "http", "path": "/r"})
    assert (
        caplog.records[0].getMessage()
        == "GET '/r' ran past its 0.03s limit: cancelled, answered 504"
    )


def test_the_outer_limit_resumes_once_the_inner_app_returned() -> None:
    inner = TimeoutMiddleware(sleeper(0), timeout=LONG)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        async def no_send(message: Any) -> None:
            pass

        await inner(scope, receive, no_send)  # a quick sub-app under a long limit
        await sleeper(SHORT * 3)(scope, receive, send)  # then past the outer one

    sent = run(TimeoutMiddleware(app, timeout=SHORT), {"type": "http"})
    assert sent[0]["status"] == 504


def test_an_inner_limit_reached_after_the_answer_began_changes_nothing() -> None:
    inner = TimeoutMiddleware(sleeper(SHORT * 2), timeout=SHORT / 2)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})

        async def body_only(message: Any) -> None:
            if message["type"] == "http.response.body":
                await send(message)

        await inner(scope, receive, body_only)

    sent = run(TimeoutMiddleware(app, timeout=LONG), {"type": "http"})
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"slept")


def test_websocket_and_lifespan_pass_untouched() -> None:
    async def ws(scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        await asyncio.sleep(SHORT * 2)  # past the limit: no limit on websockets
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close"})

    with TestClient(TimeoutMiddleware(ws, timeout=SHORT)).websocket_connect("/") as session:
        assert session.receive()["type"] == "websocket.close"
    sent = run(
        TimeoutMiddleware(lifespan_app, timeout=SHORT),
        {"type": "lifespan"},
        [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}],
    )
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


@pytest.mark.parametrize(
    ("timeout", "error"), [(True, TypeError), ("1", TypeError), (None, TypeError)]
)
def test_a_timeout_that_is_no_number_is_refused(timeout: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="timeout must be a number of seconds"):
        TimeoutMiddleware(text_app(), timeout=timeout)


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_a_timeout_that_is_not_positive_and_finite_is_refused(timeout: float) -> None:
    with pytest.raises(ValueError, match="positive, finite"):
        TimeoutMiddleware(text_app(), timeout=timeout)


def test_an_int_timeout() -> None:
    assert TimeoutMiddleware(text_app(), timeout=2).timeout == 2.0
