"""What the debug page may show: credentials masked by name where they sit, by value elsewhere.

Debug pages get pasted into issues and chats, so one rule decides what is a credential, for the
header table and the frame locals alike: a name (a header, a variable, a key, a field, the name
of a `(name, value)` pair) holding one of SECRET_WORDS. Such a value shows as HIDDEN, however
deep in a container it sits. Every value masked that way (and every cookie, and the credentials
of an Authorization header) is then also struck from every other text of the page: a custom
repr, the exception message, a source line, the plain traceback.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import dataclasses
import re
import types
from collections.abc import Iterable, Mapping
from typing import Any, cast

from asgi_requests import parse_cookie_header

SECRET_WORDS = ("auth", "cookie", "token", "secret", "key", "session", "passw", "pwd", "credential")
HIDDEN = "(hidden)"
# Shorter values are masked only where they sit: struck from every text, a 3-letter cookie
# would take every word holding it along.
MIN_STRUCK = 6
MAX_DEPTH = 6  # nesting shown; deeper containers are elided
MAX_VISITS = 2000  # objects looked into for credential names, per value shown
_SCALARS = (str, bytes, int, float, complex, type(None))
_CODE = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType)


def is_secret_name(name: object) -> bool:
    """True for a header, variable, key or field name that holds a credential."""
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return isinstance(name, str) and any(word in name.lower() for word in SECRET_WORDS)


def _spellings(value: str | bytes) -> set[str]:
    """The ways a value can appear in the page's texts: as is, inside a repr, bytes decoded."""
    if isinstance(value, bytes):
        forms = {value.decode("latin-1"), bytes.__repr__(value)[2:-1]}
        with contextlib.suppress(UnicodeDecodeError):
            forms.add(value.decode())
        return forms
    return {value, str.__repr__(value)[1:-1], repr(value.encode())[2:-1]}


class Redactor:
    """Masks the credentials of one debug page: `learn` and `mask` first, then `scrub` every text."""

    def __init__(self) -> None:
        self._known: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def learn(self, value: object) -> None:
        """Remember a credential (every string and bytes inside it) to strike it everywhere."""
        self._learn(value, 0, set())

    def _learn(self, value: object, depth: int, seen: set[int]) -> None:
        # Each value on its own: one that breaks when looked into (even isinstance() may
        # raise) is skipped, and the rest is still learnt.
        with contextlib.suppress(Exception):
            self._learn_one(value, depth, seen)

    def _learn_one(self, value: object, depth: int, seen: set[int]) -> None:
        if isinstance(value, str | bytes):
            found = {form for form in _spellings(value) if len(form) >= MIN_STRUCK}
            if not found <= self._known:
                self._known |= found
                self._pattern = None
        elif depth < MAX_DEPTH and id(value) not in seen and len(seen) < MAX_VISITS:
            seen.add(id(value))
            for _, item in _named_items(value):
                self._learn(item, depth + 1, seen)

    def learn_named(self, name: str | bytes, value: object) -> None:
        """A credential held under `name`, and the secrets inside it: a cookie header's cookie
        values, the credentials of an Authorization header without its scheme, a Basic
        password decoded."""
        self.learn(value)
        if not isinstance(value, str | bytes):
            return
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        lowered = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        if lowered == "cookie":
            self.learn(list(parse_cookie_header(value).values()))
        elif lowered == "set-cookie":
            self.learn(value.partition(";")[0].partition("=")[2])
        elif "auth" in lowered:
            scheme, _, credentials = value.strip().partition(" ")
            self.learn(credentials.strip())
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(credentials.strip(), validate=True).decode()
                except (binascii.Error, UnicodeDecodeError):
                    return
                self.learn([decoded, decoded.partition(":")[2]])

    def rows(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """(name, value) rows for a table (headers, query parameters, form fields), the
        credentials among them hidden (and learnt)."""
        rows = []
        for name, value in pairs:
            if is_secret_name(name):
                self.learn_named(name, value)
                value = HIDDEN
            rows.append((name, value))
        return rows

    def named(self, name: str, value: object) -> str:
        """The repr of a value shown under `name`: HIDDEN if the name says it is a credential."""
        if is_secret_name(name):
            self.learn_named(name, value)
            return HIDDEN
        return self.mask(value)

    def mask(self, value: object) -> str:
        """repr() with the credentials inside hidden: in mappings, pairs, fields, nested."""
        return self._mask(value, 0, set())

    def _entry(self, name: object, item: object, depth: int, seen: set[int]) -> str:
        if isinstance(name, str | bytes) and is_secret_name(name):
            self.learn_named(name, item)
            return HIDDEN
        return self._mask(item, depth + 1, seen)

    def _mask(self, value: object, depth: int, seen: set[int]) -> str:
        # Each value on its own: one that breaks when walked (even isinstance() may raise)
        # shows its own repr, scrubbed later, and its neighbours are still masked.
        try:
            return self._mask_one(value, depth, seen)
        except Exception:
            return _repr(value)

    def _mask_one(self, value: object, depth: int, seen: set[int]) -> str:
        if isinstance(value, _SCALARS):
            return repr(value)
        if id(value) in seen:
            return "…"  # a cycle
        if depth >= MAX_DEPTH:
            return "…"
        seen = seen | {id(value)}
        name = type(value).__name__
        if isinstance(value, Mapping):
            body = ", ".join(
                f"{self._mask(k, depth + 1, seen)}: {self._entry(k, v, depth, seen)}"
                for k, v in _multi_items(value)
            )
            return f"{{{body}}}" if type(value) is dict else f"{name}({{{body}}})"
        fields = _fields(value)
        if fields is not None:  # a dataclass or named tuple: its repr shows the fields
            body = ", ".join(f"{k}={self._entry(k, v, depth, seen)}" for k, v in fields)
            return f"{name}({body})"
        if _is_pair(value):  # `(b"authorization", b"Bearer x")`, as headers are listed
            key, item = cast("tuple[object, object]", value)
            pair = f"{self._mask(key, depth + 1, seen)}, {self._entry(key, item, depth, seen)}"
            return f"[{pair}]" if isinstance(value, list) else f"({pair})"
        if isinstance(value, list | tuple | set | frozenset):
            parts = [self._mask(item, depth + 1, seen) for item in cast("Iterable[Any]", value)]
            if isinstance(value, list):
                return f"[{', '.join(parts)}]"
            if isinstance(value, tuple):
                return f"({', '.join(parts)}{',' if len(parts) == 1 else ''})"
            return f"{name}({{{', '.join(parts)}}})" if parts else f"{name}()"
        # Anything else keeps its own repr: the credentials it holds under their names are
        # learnt, so that scrub() strikes them from that repr.
        self._learn_named(value, depth, seen)
        return _repr(value)

    def _learn_named(self, value: object, depth: int, seen: set[int]) -> None:
        """Learn what `value` holds under credential names, however deep (within MAX_VISITS)."""
        for name, item in _named_items(value):
            with contextlib.suppress(Exception):  # one broken item spoils none of the others
                if isinstance(name, str | bytes) and is_secret_name(name):
                    self.learn_named(name, item)
                elif (
                    depth + 1 < MAX_DEPTH
                    and id(item) not in seen
                    and len(seen) < MAX_VISITS
                    and not isinstance(item, _SCALARS)
                ):
                    seen.add(id(item))
                    self._learn_named(item, depth + 1, seen)

    def scrub(self, text: str) -> str:
        """`text` with every credential learnt so far replaced by HIDDEN."""
        if not self._known:
            return text
        if self._pattern is None:
            # Longest first, so a secret that holds another is struck whole.
            alternatives = sorted(self._known, key=len, reverse=True)
            self._pattern = re.compile("|".join(map(re.escape, alternatives)))
        return self._pattern.sub(HIDDEN, text)


def _is_pair(item: object) -> bool:
    """A `(name, value)` pair, as headers are listed: `(b"authorization", b"Bearer x")`."""
    try:
        return (
            isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[0], str | bytes)
        )
    except Exception:  # an item that breaks isinstance() is no pair (and is masked alone)
        return False


def _multi_items(mapping: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    """Every (key, value), repeated keys included (Headers, QueryParams, FormData)."""
    multi = getattr(mapping, "multi_items", None)
    return list(multi() if callable(multi) else mapping.items())


def _fields(value: object) -> list[tuple[str, object]] | None:
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return list(zip(value._fields, value, strict=False))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr]
    return None


def _named_items(value: object) -> list[tuple[object, object]]:
    """What a value holds, each under its name if it has one (None if not): mapping items,
    `(name, value)` pairs in a sequence, or an object's own attributes (not a module's or a
    function's: their names are code, not data)."""
    if isinstance(value, _SCALARS + _CODE):
        return []
    if isinstance(value, Mapping):
        return _multi_items(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [(item[0], item[1]) if _is_pair(item) else (None, item) for item in value]
    found: list[tuple[object, object]] = list(getattr(value, "__dict__", {}).items())
    for cls in type(value).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if hasattr(value, name):
                found.append((name, getattr(value, name)))
    return found


def _repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:  # a broken __repr__ must not hide the real error
        return f"<repr failed: {type(exc).__name__}>"
