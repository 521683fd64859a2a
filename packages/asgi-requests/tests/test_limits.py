from typing import Any

import pytest

from asgi_protocol.types import Message
from asgi_requests import MAX_BODY_SIZE_SCOPE_KEY, BodyLimiter, BodyTooLarge, limit_receive


async def test_limit_counts_body_bytes_and_passes_other_messages() -> None:
    messages: list[Message] = [
        {"type": "http.request", "body": b"1234", "more_body": True},
        {"type": "http.request", "more_body": True},
        {"type": "http.disconnect"},
        {"type": "http.request", "body": b"56789", "more_body": False},
    ]

    async def receive() -> Message:
        return messages.pop(0)

    limited = limit_receive(receive, 8)
    assert (await limited())["body"] == b"1234"
    assert "body" not in await limited()
    assert (await limited())["type"] == "http.disconnect"
    with pytest.raises(BodyTooLarge) as info:
        await limited()
    assert (info.value.status_code, info.value.limit) == (413, 8)


def feed(*messages: Message) -> Any:
    queue = list(messages)

    async def receive() -> Message:
        return queue.pop(0)

    return receive


async def test_body_limiter_counts_once_and_takes_the_innermost_limit() -> None:
    scope: dict[str, Any] = {"headers": [(b"x", b"1")]}
    limiter = BodyLimiter(
        feed(
            {"type": "http.request", "body": b"1234", "more_body": True},
            {"type": "http.disconnect"},
            {"type": "http.request", "body": b"56", "more_body": False},
        ),
        5,
        scope,
    )
    assert BodyLimiter.active(scope) is None
    limiter.install(scope)
    assert BodyLimiter.active(dict(scope)) is limiter  # a shallow copy shares it
    assert (await limiter.receive())["body"] == b"1234"
    assert (await limiter.receive())["type"] == "http.disconnect"
    limiter.limit = 6  # an inner limit replaces the outer one
    assert (await limiter.receive())["body"] == b"56"
    assert not limiter.exceeded()
    limiter.limit = 5  # a stricter one further in: what was read already counts
    assert limiter.exceeded()
    with pytest.raises(BodyTooLarge):
        await limiter.receive()
    BodyLimiter.uninstall(scope)
    assert BodyLimiter.active(scope) is None


async def test_body_limiter_over_the_limit_while_reading() -> None:
    limiter = BodyLimiter(feed({"type": "http.request", "body": b"123456"}), 5, {"headers": []})
    with pytest.raises(BodyTooLarge) as info:
        await limiter.receive()
    assert info.value.limit == 5


@pytest.mark.parametrize(("declared", "refused"), [(b"6", True), (b"5", False), (b"+9", False)])
async def test_body_limiter_trusts_only_a_plain_content_length(
    declared: bytes, refused: bool
) -> None:
    scope = {"headers": [(b"content-length", declared), (b"content-length", b"99")]}
    limiter = BodyLimiter(feed({"type": "http.request", "body": b""}), 5, scope)
    assert limiter.exceeded() is refused
    assert MAX_BODY_SIZE_SCOPE_KEY == "asgi_toolkit.max_body_size"
