from asgi_protocol import status
from asgi_protocol.exceptions import HTTPException, WebSocketDisconnect, WebSocketException
from asgi_protocol.paths import get_route_path


def test_status_codes() -> None:
    assert status.HTTP_404_NOT_FOUND == 404
    assert status.HTTP_413_CONTENT_TOO_LARGE == 413
    assert status.HTTP_422_UNPROCESSABLE_CONTENT == 422
    assert status.WS_1008_POLICY_VIOLATION == 1008
    assert all(name in dir(status) for name in status.__all__)


def test_http_exception_defaults_to_the_reason_phrase() -> None:
    exc = HTTPException(404)
    assert (exc.status_code, exc.detail, exc.headers) == (404, "Not Found", None)
    assert str(exc) == "404: Not Found"
    assert repr(exc) == "HTTPException(status_code=404, detail='Not Found')"
    assert HTTPException(599).detail == ""
    assert HTTPException(400, "bad", {"x": "y"}).headers == {"x": "y"}


def test_websocket_exceptions() -> None:
    exc = WebSocketException(1008, "policy")
    assert (exc.code, exc.reason, str(exc)) == (1008, "policy", "1008: policy")
    assert repr(exc) == "WebSocketException(code=1008, reason='policy')"
    assert WebSocketException(1000).reason == ""
    disconnect = WebSocketDisconnect(1001)
    assert (disconnect.code, disconnect.reason) == (1001, "")
    assert repr(WebSocketDisconnect()) == "WebSocketDisconnect(code=1000, reason='')"


def test_route_path_below_root_path() -> None:
    assert get_route_path({"path": "/api/users", "root_path": "/api"}) == "/users"
    assert get_route_path({"path": "/api", "root_path": "/api"}) == ""
    assert get_route_path({"path": "/apiary", "root_path": "/api"}) == "/apiary"
    assert get_route_path({"path": "/other", "root_path": "/api"}) == "/other"
    assert get_route_path({"path": "/x"}) == "/x"


def test_client_disconnect_is_one_type_for_requests_and_responses() -> None:
    from asgi_protocol.exceptions import ClientDisconnect

    assert issubclass(ClientDisconnect, Exception)
