"""What the client hands back: `requests` objects that also speak the httpx dialect.

Starlette's test client was built on requests, then on httpx; a suite written for either reads
responses with its own names. `TestResponse` is a `requests.Response` (so `status_code`,
`text`, `json()`, `iter_content()`, `raw` are requests'), plus httpx's `is_success`,
`reason_phrase`, `http_version`, `extensions`, `read()` and `iter_raw/iter_bytes/iter_text`.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any

import requests
from requests.cookies import RequestsCookieJar
from requests.structures import CaseInsensitiveDict


class Headers(CaseInsensitiveDict[str]):
    """Case-insensitive headers; a repeated name reads as its values joined with ", " (as in
    requests), and `multi_items()` / `get_list()` keep each value apart (as in httpx)."""

    def __init__(self, pairs: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__()
        self._pairs: list[tuple[str, str]] = []
        for name, value in pairs or []:
            key, text = name.decode("latin-1"), value.decode("latin-1")
            self._pairs.append((key, text))
            existing = self.get(key)
            super().__setitem__(key, text if existing is None else f"{existing}, {text}")

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        lower = key.lower()
        self._pairs = [(k, v) for k, v in self._pairs if k.lower() != lower] + [(key, value)]

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        lower = key.lower()
        self._pairs = [(k, v) for k, v in self._pairs if k.lower() != lower]

    def multi_items(self) -> list[tuple[str, str]]:
        """Every (name, value) pair in the order the app sent them, repeats included."""
        return list(self._pairs)

    def get_list(self, key: str) -> list[str]:
        """Every value sent under `key`."""
        lower = key.lower()
        return [v for k, v in self._pairs if k.lower() == lower]

    getlist = get_list

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self._pairs]


class CookieJar(RequestsCookieJar):
    """requests' cookie jar, with httpx's `.jar` (itself) and `.delete(name)`."""

    @property
    def jar(self) -> CookieJar:
        return self

    def delete(self, name: str, domain: str | None = None, path: str | None = None) -> None:
        """Forget every cookie called `name` (optionally only for `domain` and `path`)."""
        doomed = [
            cookie
            for cookie in self
            if cookie.name == name
            and (domain is None or cookie.domain == domain)
            and (path is None or cookie.path == path)
        ]
        for cookie in doomed:
            self.clear(cookie.domain, cookie.path, cookie.name)


class TestResponse(requests.Response):
    """A `requests.Response` that also answers to httpx's names."""

    __test__ = False

    def __init__(self) -> None:
        super().__init__()
        #: As in httpx: "http.response.trailers" (a list of byte pairs, filled as the app sends
        #: them) when the app announced trailers, "http.response.debug" when it sent debug info.
        self.extensions: dict[str, Any] = {}

    # `template` and `context` are properties, not a `__getattr__`: Python calls `__getattr__`
    # whenever a property raises AttributeError, so one would replace an AttributeError the
    # app raised while `content` was read (a state the lifespan never set) with its own.

    @property
    def template(self) -> Any:
        """The template of a template response (Starlette's client has it); absent otherwise."""
        return self._debug_info("template")

    @property
    def context(self) -> Any:
        """The context of a template response (Starlette's client has it); absent otherwise."""
        return self._debug_info("context")

    def _debug_info(self, name: str) -> Any:
        debug = self.__dict__.get("extensions", {}).get("http.response.debug", {})
        if name not in debug:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return debug[name]

    @property
    def reason_phrase(self) -> str:
        return self.reason or ""

    @property
    def http_version(self) -> str:
        return "HTTP/1.1"

    @property
    def is_informational(self) -> bool:
        return 100 <= self.status_code < 200

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def is_client_error(self) -> bool:
        return 400 <= self.status_code < 500

    @property
    def is_server_error(self) -> bool:
        return 500 <= self.status_code < 600

    @property
    def is_error(self) -> bool:
        return 400 <= self.status_code < 600

    def read(self) -> bytes:
        """The whole body (httpx's name for `.content`)."""
        return self.content

    def iter_raw(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as the app sent it, not decoded, chunk by chunk."""
        if self.__dict__.get("_content_consumed"):
            yield from slices(self.content, chunk_size)
            return
        yield from self.raw.stream(chunk_size, decode_content=False)
        self._content_consumed = True

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The decoded body, chunk by chunk, as the app sends it."""
        return self.iter_content(chunk_size)

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text (the response's charset, else UTF-8), chunk by chunk."""
        decoder = codecs.getincrementaldecoder(self.encoding or "utf-8")(errors="replace")
        for chunk in self.iter_content(chunk_size):
            if text := decoder.decode(chunk):
                yield text
        if text := decoder.decode(b"", final=True):
            yield text


def slices(data: bytes, size: int | None) -> Iterator[bytes]:
    """`data` in pieces of at most `size` bytes (whole if None or 0); nothing if empty."""
    if not data:
        return
    if size is None or size <= 0:
        yield data
        return
    for start in range(0, len(data), size):
        yield data[start : start + size]
