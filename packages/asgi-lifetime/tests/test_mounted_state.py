"""MountedState: the request state under a mount whose app has lifespan state."""

from asgi_lifetime import MountedState, mounted_state
from asgi_protocol.datastructures import State


def test_the_mounted_apps_state_wins_and_the_outer_one_is_kept() -> None:
    outer = {"db": "outer db", "user": "ann", "tasks": "outer tasks"}
    state = mounted_state(outer, {"db": "inner db", "tasks": "inner tasks"})
    assert state == {"db": "inner db", "user": "ann", "tasks": "inner tasks"}
    assert outer == {"db": "outer db", "user": "ann", "tasks": "outer tasks"}


def test_writes_reach_the_outer_request_state() -> None:
    outer: dict[str, object] = {"user": "ann"}
    lifespan_state = {"db": "inner db"}
    state = State(mounted_state(outer, lifespan_state))
    state.request_id = "r1"
    state["user"] = "bob"
    del state.user
    assert outer == {"request_id": "r1"}
    state.gone = 1
    del outer["gone"]
    del state.gone  # gone from the outer state already: fine
    assert lifespan_state == {"db": "inner db"}  # the lifespan state itself never changes


def test_without_an_outer_state() -> None:
    state = mounted_state(None, {"db": 1})
    assert isinstance(state, MountedState)
    state["x"] = 2
    del state["db"]
    assert state == {"x": 2}
