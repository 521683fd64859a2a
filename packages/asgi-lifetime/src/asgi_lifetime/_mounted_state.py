"""`MountedState`: a request's `scope["state"]` under a mount whose app has lifespan state.

The server copies the outer app's lifespan state into each request; under the mount the
request also sees what the mounted app's lifespan yielded (and its task group), which wins on
a clash. It is a new dict, so nothing leaks into sibling mounts or back into the outer
lifespan state, but what the request writes (`request.state.user = ...` in an endpoint) is
written to the outer request state too: middleware outside the mount reads it there, as it
would if there were one dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class MountedState(dict[str, Any]):
    """The outer request state with a lifespan state over it; writes reach the outer one too.

    Made by `mounted_state()`: dict's own constructor copies the outer state, which keeps one
    built per request cheap (a Python `__init__` would double its cost).
    """

    __slots__ = ("_outer",)
    _outer: dict[str, Any] | None

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if self._outer is not None:
            self._outer[key] = value

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        if self._outer is not None:
            self._outer.pop(key, None)


def mounted_state(outer: dict[str, Any] | None, lifespan_state: Mapping[str, Any]) -> MountedState:
    """The state of a request under a mount: `lifespan_state` over the request's `outer` one."""
    state = MountedState() if outer is None else MountedState(outer)
    state.update(lifespan_state)  # dict.update: not through __setitem__, the outer is kept
    state._outer = outer
    return state


__all__ = ["MountedState", "mounted_state"]
