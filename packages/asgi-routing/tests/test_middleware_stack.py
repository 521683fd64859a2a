"""middleware_spec / wrap_middleware: a list entry that is no spec is refused, saying how."""

from __future__ import annotations

from typing import Any

import pytest

from asgi_routing import InvalidMiddleware, Mount, Route, Router, WebSocketRoute
from asgi_routing.middleware_stack import middleware_spec, wrap_middleware


class Tagging:
    def __init__(self, app: Any, tag: str = "") -> None:
        self.app = app
        self.tag = tag

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)  # pragma: no cover - never called here


async def app(scope: Any, receive: Any, send: Any) -> None:
    pass  # pragma: no cover - never called here


def test_a_spec_unpacks_and_wraps_first_listed_outermost() -> None:
    assert middleware_spec((Tagging, (), {"tag": "a"})) == (Tagging, (), {"tag": "a"})
    stack = wrap_middleware(app, [(Tagging, ("outer",), {}), (Tagging, (), {"tag": "inner"})])
    assert isinstance(stack, Tagging)
    assert stack.tag == "outer"
    assert stack.app.tag == "inner"
    assert stack.app.app is app
    assert wrap_middleware(app, None) is app


def test_the_bare_class_is_told_to_wrap_itself_in_middleware() -> None:
    with pytest.raises(InvalidMiddleware) as info:
        middleware_spec(Tagging)
    assert isinstance(info.value, TypeError)  # what unpacking a class raised before
    assert str(info.value).startswith(
        "middleware=[Tagging] lists the class itself: wrap it with its options, as "
        "Middleware(Tagging, ...)"
    )
    assert info.value.entry is Tagging


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ((Tagging, {"tag": "a"}), "a tuple of 2 (<class"),
        (Tagging(app), "a Tagging already built (give the class, not an instance)"),
        ("abc", "'abc'"),  # three letters unpack, but "a" is no factory
        (3, "3"),
    ],
)
def test_anything_else_is_shown_with_how_to_write_it(entry: Any, shown: str) -> None:
    with pytest.raises(InvalidMiddleware) as info:
        middleware_spec(entry)
    message = str(info.value)
    assert message.startswith(f"middleware=[...] holds {shown}")
    assert "list each one as Middleware(SomeMiddleware, ...its options)" in message


def test_every_route_kind_refuses_it_when_made() -> None:
    with pytest.raises(InvalidMiddleware, match=r"middleware=\[Tagging\]"):
        Router([], middleware=[Tagging])
    with pytest.raises(InvalidMiddleware):
        Route("/", Tagging(app), middleware=[Tagging])
    with pytest.raises(InvalidMiddleware):
        WebSocketRoute("/ws", Tagging(app), middleware=[Tagging])
    with pytest.raises(InvalidMiddleware):
        Mount("/m", routes=[], middleware=[Tagging])
