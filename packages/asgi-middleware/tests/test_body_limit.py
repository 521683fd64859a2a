from typing import Any

import pytest
from mw_apps import lifespan_app, run

from asgi_middleware import RequestBodyLimitMiddleware
from asgi_middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from asgi_protocol.types import Receive, Scope, Send
from asgi_requests import BodyTooLarge
from asgi_testclient import TestClient

TOO_LARGE = b"Content Too Large"


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def answer_too_large(app: Any) -> Any:
    """What an App's exception layer does with BodyTooLarge: a 413 with its reason."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await app(scope, receive, send)
        except BodyTooLarge as exc:
            await send({"type": "http.response.start", "status": 413, "headers": []})
            await send({"type": "http.response.body", "body": exc.detail.encode()})

    return wrapped


def chunks(*parts: bytes) -> list[dict[str, Any]]:
    return [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]


def test_within_and_over_the_limit() -> None:
    client = TestClient(RequestBodyLimitMiddleware(echo, max_body_size=5))
    assert client.post("/", content=b"12345").content == b"12345"
    response = client.post("/", content=b"123456")
    assert (response.status_code, response.content) == (413, TOO_LARGE)


def test_counted_bytes_without_a_content_length() -> None:
    sent = run(
        RequestBodyLimitMiddleware(echo, max_body_size=5), {"type": "http"}, chunks(b"123", b"456")
    )
    assert [sent[0]["status"], sent[1]["body"]] == [413, TOO_LARGE]


def test_declared_length_refused_before_any_read() -> None:
    reads = 0

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal reads
        with pytest.raises(BodyTooLarge):
            await receive()
        reads += 1
        raise BodyTooLarge(5)

    scope = {"type": "http", "headers": [(b"content-length", b"6")]}
    sent = run(RequestBodyLimitMiddleware(app, max_body_size=5), scope, [])
    assert (reads, sent[0]["status"]) == (1, 413)


def test_declared_length_replaces_an_answer_that_never_read_the_body() -> None:
    finished = False

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal finished
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"never seen"})
        finished = True

    scope = {"type": "http", "headers": [(b"content-length", b"6")]}
    sent = run(RequestBodyLimitMiddleware(app, max_body_size=5), scope)
    assert [m.get("status") for m in sent] == [413, None]
    assert sent[1]["body"] == TOO_LARGE
    assert finished  # the app ran on, unaware


@pytest.mark.parametrize("declared", [b"1", b"invalid", b"+5"])
def test_an_unreliable_content_length_is_ignored_and_bytes_counted(declared: bytes) -> None:
    middleware = RequestBodyLimitMiddleware(answer_too_large(echo), max_body_size=5)
    scope = {"type": "http", "headers": [(b"content-length", declared)]}
    assert run(middleware, scope, chunks(b"12345"))[1]["body"] == b"12345"
    assert run(middleware, scope, chunks(b"123456"))[0]["status"] == 413


def test_over_the_limit_after_the_response_started_raises() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await receive()
        await receive()

    with pytest.raises(BodyTooLarge):
        run(
            RequestBodyLimitMiddleware(app, max_body_size=5),
            {"type": "http"},
            chunks(b"12345", b"6"),
        )


@pytest.mark.parametrize(("inner", "status"), [(10, 200), (3, 413)])
def test_the_innermost_limit_wins(inner: int, status: int) -> None:
    app = RequestBodyLimitMiddleware(RequestBodyLimitMiddleware(echo, inner), max_body_size=5)
    assert run(app, {"type": "http"}, chunks(b"1234", b"5678"))[0]["status"] == status


def test_an_inner_limit_survives_a_shallow_scope_copy() -> None:
    inner = RequestBodyLimitMiddleware(echo, max_body_size=10)

    async def copying(scope: Scope, receive: Receive, send: Send) -> None:
        await inner(dict(scope), receive, send)

    sent = run(
        RequestBodyLimitMiddleware(copying, max_body_size=5), {"type": "http"}, chunks(b"12345678")
    )
    assert sent[1]["body"] == b"12345678"


def test_an_inner_limit_counts_what_outer_layers_read() -> None:
    async def reads_first(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()

        async def replay() -> dict[str, Any]:
            return message

        await RequestBodyLimitMiddleware(echo, max_body_size=5)(scope, replay, send)

    app = RequestBodyLimitMiddleware(reads_first, max_body_size=10)
    assert run(app, {"type": "http"}, chunks(b"123456"))[0]["status"] == 413
    assert run(app, {"type": "http"}, chunks(b"12345"))[1]["body"] == b"12345"


def test_the_limit_in_force_is_in_the_scope_and_restored() -> None:
    seen: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope[MAX_BODY_SIZE_SCOPE_KEY])
        await echo(scope, receive, send)

    scope: dict[str, Any] = {"type": "http", MAX_BODY_SIZE_SCOPE_KEY: 10}
    run(RequestBodyLimitMiddleware(app, max_body_size=5), scope)
    bare: dict[str, Any] = {"type": "http"}
    run(RequestBodyLimitMiddleware(app, max_body_size=7), bare)
    assert seen == [5, 7]
    assert scope[MAX_BODY_SIZE_SCOPE_KEY] == 10
    assert MAX_BODY_SIZE_SCOPE_KEY not in bare


def test_other_messages_and_scopes_pass_through() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert await receive() == {"type": "http.disconnect"}
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    assert (
        run(RequestBodyLimitMiddleware(app, 5), {"type": "http"}, [{"type": "http.disconnect"}])[0][
            "status"
        ]
        == 204
    )
    with TestClient(RequestBodyLimitMiddleware(lifespan_app, 5)):
        pass


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (True, TypeError), ("5", TypeError), (1.5, TypeError)]
)
def test_a_bad_limit_is_refused_at_construction(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_body_size"):
        RequestBodyLimitMiddleware(echo, value)
