"""The exceptions asgi-websockets raises."""

from __future__ import annotations

from asgi_protocol.exceptions import InvalidJSON, WebSocketException
from asgi_protocol.status import WS_1007_INVALID_FRAME_PAYLOAD_DATA


class WebSocketDisconnected(RuntimeError):
    """The app used a connection that is not open: before accept, or after a close either way.

    A RuntimeError, so code that caught RuntimeError for these misuses keeps working.
    """


class InvalidJSONMessage(InvalidJSON, WebSocketException):
    """A message that should hold JSON does not (asgi_protocol.jsontext says what is refused).

    Catch it to answer the client and carry on: the connection is still open, and only the bad
    message is gone. Left uncaught, it is a WebSocketException with code 1007 (invalid payload,
    RFC 6455), so an App's exception handling closes the connection with that code. It is also
    a json.JSONDecodeError, which is what Starlette's receive_json raises.
    """

    def __init__(self, reason: str, doc: str = "", pos: int = 0) -> None:
        InvalidJSON.__init__(self, reason, doc, pos)
        self.code = WS_1007_INVALID_FRAME_PAYLOAD_DATA
        # The close reason: short, so it fits a close frame's 123 bytes.
        self.reason = f"Invalid JSON: {reason}"


__all__ = ["InvalidJSONMessage", "WebSocketDisconnected"]
