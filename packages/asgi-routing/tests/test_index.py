"""The lookup index must pick exactly the route a linear scan would (first match wins)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from routing_driver import make_scope

from asgi_protocol.types import Receive, Scope, Send
from asgi_routing import BaseRoute, Host, Match, Mount, Route, WebSocketRoute
from asgi_routing._index import RouteIndex, first_segment


async def endpoint(request: Any) -> Any:
    raise AssertionError  # pragma: no cover - only matching is exercised


class App:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError  # pragma: no cover - only matching is exercised


SEGMENTS = ["a", "b", "users", "{x}", "{n:int}", "{p:path}", "1", ""]
segment = st.sampled_from(SEGMENTS)
pattern = st.lists(segment, min_size=1, max_size=3).map(lambda parts: "/" + "/".join(parts))


def build(kind: int, path: str) -> BaseRoute:
    if kind == 0:
        return Route(path, endpoint, methods=["GET"])
    if kind == 1:
        return Route(path, endpoint, methods=["POST"])
    if kind == 2:
        return WebSocketRoute(path, App())
    if kind == 3:
        return Mount(path.rstrip("/") if path != "/" else "", app=App())
    return Host("{h}.example.org", app=App())


def unique_params(path: str) -> bool:
    names = [s.split(":")[0] for s in path.split("/") if s.startswith("{")]
    return len(names) == len(set(names))


route_spec = st.tuples(st.integers(0, 4), pattern.filter(unique_params))
request_path = st.lists(st.sampled_from(["a", "b", "users", "1", "x", ""]), max_size=4).map(
    lambda parts: "/" + "/".join(parts)
)


def first(routes: list[BaseRoute], scope: Scope) -> tuple[int, Match] | None:
    partial: tuple[int, Match] | None = None
    for position, route in enumerate(routes):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return position, match
        if match is Match.PARTIAL and partial is None:
            partial = (position, match)
    return partial


@settings(max_examples=300, deadline=None)
@given(
    specs=st.lists(route_spec, max_size=12),
    path=request_path,
    kind=st.sampled_from(["http", "websocket"]),
)
def test_index_agrees_with_linear_scan(specs: list[tuple[int, str]], path: str, kind: str) -> None:
    routes = [build(k, p) for k, p in specs]
    index = RouteIndex(routes)
    scope = make_scope(path=path, type_=kind, headers=[("host", "x.example.org")])
    linear = first(routes, scope)
    candidates = index.candidates(path)
    indexed = first(candidates, scope)
    if linear is None:
        assert indexed is None
    else:
        assert indexed is not None
        assert candidates[indexed[0]] is routes[linear[0]]
        assert indexed[1] is linear[1]
    # Candidates keep declaration order.
    positions = [next(i for i, r in enumerate(routes) if r is c) for c in candidates]
    assert positions == sorted(positions)


def test_first_segment() -> None:
    assert first_segment("/") == ""
    assert first_segment("/users") == "users"
    assert first_segment("/users/1") == "users"
    assert first_segment("//x") == ""
