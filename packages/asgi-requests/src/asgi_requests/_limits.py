"""Enforcing a body size limit while the body streams in."""

from __future__ import annotations

from asgi_protocol.types import Message, Receive
from asgi_requests.exceptions import BodyTooLarge


def limit_receive(receive: Receive, max_body_size: int) -> Receive:
    """A receive that raises BodyTooLarge as soon as more than `max_body_size` bytes arrived.

    The check is made per message, before the app sees it, so an endless body costs at most one
    message over the limit, never the whole upload.
    """
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_body_size:
                raise BodyTooLarge(max_body_size)
        return message

    return limited
