"""Ordered multi-valued mappings: ImmutableMultiDict, MultiDict, QueryParams."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

K = TypeVar("K")
V = TypeVar("V")

MultiSource = Any  # a mapping, a list of pairs, another multidict, or (for QueryParams) a string


class ImmutableMultiDict(Mapping[K, V]):
    """A read-only mapping that keeps every value of a repeated key, in order.

    `d[key]` is the LAST value (what a form or query most often means), `getlist` all of them.
    """

    _dict: dict[K, V]
    _list: list[tuple[K, V]]

    def __init__(self, *args: MultiSource, **kwargs: Any) -> None:
        if len(args) > 1:
            raise TypeError("ImmutableMultiDict takes at most one positional argument")
        value: Any = args[0] if args else []
        if kwargs:
            value = ImmutableMultiDict(value).multi_items() + list(
                ImmutableMultiDict(kwargs).multi_items()
            )
        if not value:
            items: list[tuple[Any, Any]] = []
        elif hasattr(value, "multi_items"):
            items = list(value.multi_items())
        elif hasattr(value, "keys"):
            items = list(value.items())
        else:
            items = list(value)
        self._dict = dict(items)
        self._list = items

    def getlist(self, key: Any) -> list[V]:
        return [v for k, v in self._list if k == key]

    def keys(self) -> Any:
        return self._dict.keys()

    def values(self) -> Any:
        return self._dict.values()

    def items(self) -> Any:
        return self._dict.items()

    def multi_items(self) -> list[tuple[K, V]]:
        return list(self._list)

    def __getitem__(self, key: K) -> V:
        return self._dict[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[K]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def _by_key(self) -> dict[Any, list[V]]:
        grouped: dict[Any, list[V]] = {}
        for key, value in self._list:
            grouped.setdefault(key, []).append(value)
        return grouped

    def __eq__(self, other: object) -> bool:
        # Equal when every key has the same values in the same order: the order between
        # different keys doesn't matter, the order of one key's values (getlist) does.
        if not isinstance(other, type(self)):
            return False
        return self._by_key() == other._by_key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.multi_items()!r})"


class MultiDict(ImmutableMultiDict[Any, Any]):
    """The mutable variant: setting a key replaces all its values; `append` adds one."""

    def __setitem__(self, key: Any, value: Any) -> None:
        self.setlist(key, [value])

    def __delitem__(self, key: Any) -> None:
        self._list = [(k, v) for k, v in self._list if k != key]
        del self._dict[key]

    def pop(self, key: Any, default: Any = None) -> Any:
        self._list = [(k, v) for k, v in self._list if k != key]
        return self._dict.pop(key, default)

    def popitem(self) -> tuple[Any, Any]:
        key, value = self._dict.popitem()
        self._list = [(k, v) for k, v in self._list if k != key]
        return key, value

    def poplist(self, key: Any) -> list[Any]:
        values = [v for k, v in self._list if k == key]
        self.pop(key)
        return values

    def clear(self) -> None:
        self._dict.clear()
        self._list.clear()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self._dict[key] = default
            self._list.append((key, default))
        return self[key]

    def setlist(self, key: Any, values: list[Any]) -> None:
        if not values:
            self.pop(key, None)
            return
        kept = [(k, v) for k, v in self._list if k != key]
        self._list = kept + [(key, v) for v in values]
        self._dict[key] = values[-1]

    def append(self, key: Any, value: Any) -> None:
        self._list.append((key, value))
        self._dict[key] = value

    def update(self, *args: MultiSource, **kwargs: Any) -> None:
        value = MultiDict(*args, **kwargs)
        keys = set(value.keys())
        self._list = [(k, v) for k, v in self._list if k not in keys] + value.multi_items()
        self._dict.update(value)


class QueryParams(ImmutableMultiDict[str, str]):
    """The query string as an immutable multidict.

    Parsing never fails: blank values are kept, `+` is a space, and malformed percent-escapes
    stay as they were (urllib's rules). str() gives back a canonical query string.
    """

    def __init__(self, *args: MultiSource, **kwargs: Any) -> None:
        if len(args) > 1:
            raise TypeError("QueryParams takes at most one positional argument")
        value: Any = args[0] if args else []
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if isinstance(value, str):
            value = parse_qsl(value, keep_blank_values=True)
        super().__init__(value, **kwargs)
        self._list = [(str(k), str(v)) for k, v in self._list]
        self._dict = {str(k): str(v) for k, v in self._dict.items()}

    def __str__(self) -> str:
        return urlencode(self._list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"
