"""The message that refuses a WebSocket for a policy reason (1008), its reason cut to fit."""

from __future__ import annotations

from asgi_protocol.status import WS_1008_POLICY_VIOLATION
from asgi_protocol.types import Message

# A WebSocket close reason is at most 123 bytes of UTF-8 (RFC 6455 section 5.5).
MAX_CLOSE_REASON = 123


def policy_close(reason: str) -> Message:
    """`websocket.close` with code 1008 and `reason`, cut at a character to 123 bytes."""
    cut = reason.encode()[:MAX_CLOSE_REASON].decode(errors="ignore")
    return {"type": "websocket.close", "code": WS_1008_POLICY_VIOLATION, "reason": cut}
