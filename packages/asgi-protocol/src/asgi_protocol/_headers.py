"""Headers (read-only, case-insensitive, multi-valued) and MutableHeaders.

Both sit over the ASGI raw list of (name, value) byte pairs; nothing is decoded until asked for,
and MutableHeaders writes straight through to that list, so editing a message's headers in a
middleware is editing the message.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from typing import Any

from asgi_protocol.types import Scope

RawHeaders = list[tuple[bytes, bytes]]
_FORBIDDEN = frozenset(b"\r\n\x00")


def encode_header_value(value: str, *, what: str = "value") -> bytes:
    """Latin-1 bytes of a header name or value, refusing CR, LF and NUL (header injection)."""
    try:
        encoded = value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"Header {what} {value!r} is not latin-1 encodable") from None
    if not _FORBIDDEN.isdisjoint(encoded):
        raise ValueError(f"Header {what} {value!r} contains CR, LF or NUL")
    return encoded


def check_header_bytes(value: bytes, *, what: str = "value") -> bytes:
    """`value`, a raw header name or value, if it holds no CR, LF or NUL (header injection)."""
    if not _FORBIDDEN.isdisjoint(value):
        raise ValueError(f"Header {what} {value!r} contains CR, LF or NUL")
    return value


def _lookup_name(key: str) -> bytes:
    """The raw form of a header name to look up: latin-1, lowercased as bytes.lower() does.

    (str.lower() would also fold non-ASCII letters, which raw header names never had folded.)
    A name that can't be latin-1 can't be present; it becomes one that matches nothing.
    """
    try:
        return key.encode("latin-1").lower()
    except UnicodeEncodeError:
        return b"\r"  # no stored name can contain CR


class Headers(Mapping[str, str]):
    """Immutable, case-insensitive view of HTTP headers; `getlist` returns every value."""

    __slots__ = ("_list",)

    def __init__(
        self,
        headers: Mapping[str, str] | None = None,
        raw: RawHeaders | None = None,
        scope: Scope | None = None,
    ) -> None:
        if sum(x is not None for x in (headers, raw, scope)) > 1:
            raise ValueError("Pass only one of 'headers', 'raw' or 'scope'.")
        self._list: RawHeaders
        if headers is not None:
            self._list = [
                (encode_header_value(k, what="name").lower(), encode_header_value(v))
                for k, v in headers.items()
            ]
        elif raw is not None:
            self._list = raw
        elif scope is not None:
            # Shared with the scope on purpose: MutableHeaders(scope=message) edits it in place.
            self._list = scope["headers"] = list(scope.get("headers", ()))
        else:
            self._list = []

    @property
    def raw(self) -> RawHeaders:
        return self._list

    def keys(self) -> list[str]:  # type: ignore[override]
        return [k.decode("latin-1") for k, _ in self._list]

    def values(self) -> list[str]:  # type: ignore[override]
        return [v.decode("latin-1") for _, v in self._list]

    def items(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in self._list]

    def getlist(self, key: str) -> list[str]:
        name = _lookup_name(key)
        return [v.decode("latin-1") for k, v in self._list if k == name]

    def mutablecopy(self) -> MutableHeaders:
        return MutableHeaders(raw=list(self._list))

    def __getitem__(self, key: str) -> str:
        name = _lookup_name(key)
        for k, v in self._list:
            if k == name:
                return v.decode("latin-1")
        raise KeyError(key)

    def __contains__(self, key: Any) -> bool:
        if not isinstance(key, str):
            return False
        name = _lookup_name(key)
        return any(k == name for k, _ in self._list)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._list)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return False
        return sorted(self._list) == sorted(other._list)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        as_dict = dict(self.items())
        if len(as_dict) == len(self):
            return f"{type(self).__name__}({as_dict!r})"
        return f"{type(self).__name__}(raw={self.raw!r})"


class MutableHeaders(Headers, MutableMapping[str, str]):
    """Headers you can edit; every write validates the value and lands in `.raw`."""

    __slots__ = ()

    def __setitem__(self, key: str, value: str) -> None:
        """Set the header, replacing every earlier value of it."""
        name = encode_header_value(key, what="name").lower()
        encoded = encode_header_value(value)
        found = [i for i, (k, _) in enumerate(self._list) if k == name]
        for index in reversed(found[1:]):
            del self._list[index]
        if found:
            self._list[found[0]] = (name, encoded)
        else:
            self._list.append((name, encoded))

    def __delitem__(self, key: str) -> None:
        """Remove every value of the header."""
        name = _lookup_name(key)
        self._list[:] = [(k, v) for k, v in self._list if k != name]

    def __ior__(self, other: Mapping[str, str]) -> MutableHeaders:
        if not isinstance(other, Mapping):
            return NotImplemented  # Python then raises TypeError, as `dict |= set` does
        self.update(other)
        return self

    def __or__(self, other: Mapping[str, str]) -> MutableHeaders:
        if not isinstance(other, Mapping):
            return NotImplemented
        new = self.mutablecopy()
        new.update(other)
        return new

    def setdefault(self, key: str, value: str = "") -> str:
        if key in self:
            return self[key]
        self.append(key, value)
        return value

    def update(self, other: Any = (), /, **kwargs: str) -> None:
        items = other.items() if hasattr(other, "items") else other
        for key, value in [*items, *kwargs.items()]:
            self[key] = value

    def append(self, key: str, value: str) -> None:
        """Add one more value, keeping those already there."""
        self._list.append(
            (encode_header_value(key, what="name").lower(), encode_header_value(value))
        )

    def add_vary_header(self, vary: str) -> None:
        """Add `vary` to the Vary header, keeping every value already there (on any line).

        Several Vary lines are merged into one; a value already listed (any case) isn't repeated.
        """
        values = [v for k, v in self._list if k == b"vary"]
        if not values:
            self._list.append((b"vary", encode_header_value(vary)))
            return
        present = {t.strip().lower() for v in values for t in v.split(b",")}
        encoded = encode_header_value(vary)
        if encoded.strip().lower() in present:
            if len(values) == 1:
                return
            merged = b", ".join(values)
        else:
            merged = b", ".join([*values, encoded])
        self._list[:] = [(k, v) for k, v in self._list if k != b"vary"]
        self._list.append((b"vary", merged))
