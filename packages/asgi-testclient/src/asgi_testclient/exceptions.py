"""The test client's own exception types: one per way an app can break the protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from asgi_protocol.exceptions import WebSocketDisconnect

if TYPE_CHECKING:
    import requests


# Both are also AssertionErrors: Starlette's client reports these app bugs with `assert`, so a
# suite that expects `pytest.raises(AssertionError)` for them runs unchanged.


class NoResponseError(RuntimeError, AssertionError):
    """The app returned without starting a response (or accepting/closing a websocket)."""


class ASGIProtocolError(RuntimeError, AssertionError):
    """The app sent a message that is not valid at this point of the ASGI conversation."""


class NotAnApp(TypeError):
    """`TestClient(App)`: the class of an app where the app, an instance of it, belongs."""

    def __init__(self, app: type) -> None:
        self.app = app
        name = app.__name__
        super().__init__(
            f"TestClient got the class {name}, not an app: create the app first and pass it, "
            f"TestClient({name}(...))"
        )


class WebSocketDenialResponse(WebSocketDisconnect):
    """The app refused a websocket handshake with an HTTP response (the denial extension)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(1008, f"handshake denied with HTTP {response.status_code}")
        self.response = response

    # Starlette's httpx-era client raises an exception that *is* the response: the same names.
    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> Any:
        return self.response.headers

    @property
    def content(self) -> bytes:
        return self.response.content

    @property
    def text(self) -> str:
        return self.response.text

    def json(self, **kwargs: Any) -> Any:
        return self.response.json(**kwargs)


__all__ = ["ASGIProtocolError", "NoResponseError", "NotAnApp", "WebSocketDenialResponse"]
