"""Small value types: State, Address, Secret, CommaSeparatedStrings."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, SupportsIndex, overload

from asgi_protocol.exceptions import StateNotSet


class Address(NamedTuple):
    host: str
    port: int


#: The key under which asgi-lifetime's runner leaves the app's task group in the lifespan state
#: at each startup, and so in every request's `scope["state"]`. State reads it as the mark that
#: a lifespan ran (what a missing attribute's message says depends on it).
TASKS_STATE_KEY = "tasks"

#: The key under which asgi-lifetime leaves the app's shutdown signal (an `asyncio.Event` set
#: when the server starts stopping) in the lifespan state; asgi-responses' SSE stream ends on it.
SHUTDOWN_STATE_KEY = "shutdown"


class State:
    """An attribute bag over a dict: `state.db` reads `state_dict["db"]`, as does `state["db"]`.

    The dict is shared, not copied, so request state and lifespan state stay one object. Only
    the item and length dunders are defined, not the Mapping methods: `state.items` or
    `state.keys` must stay the values stored under those names. An attribute nothing set
    raises StateNotSet (an AttributeError), which says whether a lifespan has run: by
    `lifespan_ran()` when given (the App's own state), else by the runner's mark in the dict.
    """

    _state: dict[str, Any]
    _lifespan_ran: Callable[[], bool] | None = None

    def __init__(
        self,
        state: dict[str, Any] | None = None,
        *,
        lifespan_ran: Callable[[], bool] | None = None,
    ) -> None:
        super().__setattr__("_state", {} if state is None else state)
        if lifespan_ran is not None:
            super().__setattr__("_lifespan_ran", lifespan_ran)

    def __setattr__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: str) -> Any:
        if key == "_state":  # not set yet (copy and pickle make one without __init__)
            raise AttributeError(key)
        try:
            return self._state[key]
        except KeyError:
            ran = self._lifespan_ran
            lifespan_ran = ran() if ran is not None else TASKS_STATE_KEY in self._state
            raise StateNotSet(type(self).__name__, key, lifespan_ran=lifespan_ran) from None

    def __delattr__(self, key: str) -> None:
        try:
            del self._state[key]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {key!r}"
            ) from None

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        del self._state[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def __contains__(self, key: object) -> bool:
        return key in self._state

    def __eq__(self, other: object) -> bool:
        return isinstance(other, State) and self._state == other._state

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._state!r})"


class Secret:
    """A string that never shows itself in a repr or a traceback; str() gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}('**********')"

    def __str__(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and self._value == other._value

    def __hash__(self) -> int:
        return hash(self._value)


def _split_commas(value: str) -> list[str]:
    """The items between commas, stripped; an item may be quoted (`'a, b'` or `"a, b"`).

    A quote opens only at the start of an item (so `O'Brien` is plain text), and a quote
    never closed is an error: guessing where the item ends would hand a setting its
    neighbour's value.
    """
    items: list[str] = []
    current: list[str] = []
    quote = ""
    quoted = False  # this item began with a quote: "''" is one empty item, not nothing
    for char in value:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char == ",":
            items.append("".join(current).strip())
            current, quoted = [], False
        elif char in "'\"" and not quoted and not "".join(current).strip():
            quote, quoted = char, True
        else:
            current.append(char)
    if quote:
        raise ValueError(f"Unclosed {quote} quote in {value!r}")
    last = "".join(current).strip()
    if last or items or quoted:
        items.append(last)
    return items


class CommaSeparatedStrings(Sequence[str]):
    """`"a, b, 'c, d'"` as ["a", "b", "c, d"]: single or double quotes keep commas in an item."""

    def __init__(self, value: str | Sequence[str]) -> None:
        self._items = _split_commas(value) if isinstance(value, str) else list(value)

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> str | Sequence[str]:
        return self._items[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"

    def __str__(self) -> str:
        return ", ".join(repr(item) for item in self._items)
