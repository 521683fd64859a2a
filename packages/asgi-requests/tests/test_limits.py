import pytest

from asgi_protocol.types import Message
from asgi_requests import BodyTooLarge, limit_receive


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
