"""Small value types: State, Address, Secret, CommaSeparatedStrings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple, SupportsIndex, overload


class Address(NamedTuple):
    host: str
    port: int


class State:
    """An attribute bag over a dict: `state.db` reads `state_dict["db"]`, as does `state["db"]`.

    The dict is shared, not copied, so request state and lifespan state stay one object. Only
    the item and length dunders are defined, not the Mapping methods: `state.items` or
    `state.keys` must stay the values stored under those names.
    """

    _state: dict[str, Any]

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        super().__setattr__("_state", {} if state is None else state)

    def __setattr__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: str) -> Any:
        try:
            return self._state[key]
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {key!r}"
            ) from None

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
