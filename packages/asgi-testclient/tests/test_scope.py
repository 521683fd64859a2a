"""`build_scope` on its own: paths round-trip, schemes are checked."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from asgi_testclient._scope import build_scope


def prepared(url: str, **kwargs: object) -> requests.PreparedRequest:
    return requests.Request("GET", url, **kwargs).prepare()


def scope_of(url: str, kind: str = "http", root_path: str = "") -> dict[str, object]:
    return build_scope(
        prepared(url), kind=kind, root_path=root_path, client=("c", 1), state={"k": [1]}
    )


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4))
def test_path_round_trips(segments: list[str]) -> None:
    raw = "/" + "/".join(quote(segment, safe="") for segment in segments)
    scope = scope_of(f"http://testserver{raw}")
    assert scope["raw_path"] == raw.encode("ascii")
    assert scope["path"] == "/" + "/".join(segments)


def test_state_is_a_shallow_copy() -> None:
    state = {"k": [1]}
    scope = build_scope(
        prepared("http://testserver/"), kind="http", root_path="", client=("c", 1), state=state
    )
    assert scope["state"] == state
    assert scope["state"] is not state
    assert scope["state"]["k"] is state["k"]


def test_default_ports_per_scheme() -> None:
    assert scope_of("https://h/")["server"] == ("h", 443)
    assert scope_of("ws://h/", "websocket")["server"] == ("h", 80)
    assert scope_of("wss://h:9/", "websocket")["server"] == ("h", 9)


def test_websocket_subprotocols_from_the_header() -> None:
    request = prepared("ws://h/", headers={"Sec-WebSocket-Protocol": "a, b,c"})
    scope = build_scope(request, kind="websocket", root_path="", client=("c", 1), state={})
    assert scope["subprotocols"] == ["a", "b", "c"]
    assert scope_of("ws://h/", "websocket")["subprotocols"] == []


@pytest.mark.parametrize(
    ("url", "kind"),
    [("ws://h/", "http"), ("http://h/", "websocket"), ("ftp://h/", "http")],
)
def test_wrong_scheme_for_the_kind(url: str, kind: str) -> None:
    with pytest.raises(ValueError, match="the scheme must be one of"):
        scope_of(url, kind)
