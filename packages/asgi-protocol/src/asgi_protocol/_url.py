"""URL and URLPath: parsing, building from a scope, and query-parameter edits."""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import SplitResult, urlencode, urlsplit

from asgi_protocol._multidict import MultiDict, QueryParams
from asgi_protocol.hosts import request_authority
from asgi_protocol.paths import get_route_path
from asgi_protocol.types import Scope

# What would end a path inside a URL string: `?` starts the query, `#` the fragment, and
# browsers read `\` as `/`. A decoded path (the scope's) may hold any of them.
_PATH_DELIMITERS = str.maketrans({"?": "%3F", "#": "%23", "\\": "%5C"})


def _safe_path(path: str, *, has_netloc: bool) -> str:
    """`path` as it must be written in a URL string to be read back as the same path.

    Its delimiters are percent-encoded, and without an authority a leading `//` would be read
    as one (`//evil.com/x`), so the second slash is encoded too.
    """
    if "?" in path or "#" in path or "\\" in path:
        path = path.translate(_PATH_DELIMITERS)
    if not has_netloc and path.startswith("//"):
        path = "/%2F" + path[2:]
    return path


def _bracket_ipv6(hostname: str) -> str:
    """A bare IPv6 address (`fe::2`, as `url.hostname` gives it) in brackets for a netloc."""
    if ":" in hostname and not hostname.startswith("["):
        try:
            ipaddress.IPv6Address(hostname)
        except ValueError:
            return hostname
        return f"[{hostname}]"
    return hostname


class URL:
    """An absolute or relative URL; compares equal to its string form."""

    __slots__ = ("_components", "_url")

    def __init__(self, url: str = "", scope: Scope | None = None, **components: Any) -> None:
        self._components: SplitResult | None = None
        if scope is not None:
            if url or components:
                raise ValueError('Pass either "url" or "scope", not both.')
            # Built from the scope's structured parts, never parsed back from a joined string,
            # so a "?" or "#" in the path or junk in the Host header can't move any component.
            self._components = self._from_scope(scope)
            url = self._components.geturl()
        elif components:
            if url:
                raise ValueError('Pass either "url" or "**components", not both.')
            url = URL("").replace(**components).components.geturl()
        self._url = url

    @staticmethod
    def _from_scope(scope: Scope) -> SplitResult:
        scheme = scope.get("scheme", "http")
        # ASGI: `path` already holds `root_path` (Mounts and proxies extend both); a server
        # that strips the prefix gets it put back. Either way it appears once.
        path = scope.get("root_path", "") + get_route_path(scope)
        if not path.startswith("/"):
            path = "/" + path
        query = scope.get("query_string", b"").decode("latin-1")
        if "#" in query:
            query = query.replace("#", "%23")
        authority = request_authority(scope)
        host = "" if authority is None else authority.netloc
        # The components must equal what parsing the URL string gives back: `str(url)` is what
        # replace() and every consumer re-parse.
        if "?" in path or "#" in path or "\\" in path or path.startswith("//"):
            path = _safe_path(path, has_netloc=bool(host))
        return SplitResult(scheme if host else "", host, path, query, "")

    @property
    def components(self) -> SplitResult:
        if self._components is None:
            self._components = urlsplit(self._url)
        return self._components

    @property
    def scheme(self) -> str:
        return self.components.scheme

    @property
    def netloc(self) -> str:
        return self.components.netloc

    @property
    def path(self) -> str:
        return self.components.path

    @property
    def query(self) -> str:
        return self.components.query

    @property
    def fragment(self) -> str:
        return self.components.fragment

    @property
    def username(self) -> str | None:
        return self.components.username

    @property
    def password(self) -> str | None:
        return self.components.password

    @property
    def hostname(self) -> str | None:
        return self.components.hostname

    @property
    def port(self) -> int | None:
        return self.components.port

    @property
    def is_secure(self) -> bool:
        return self.scheme in ("https", "wss")

    def replace(self, **kwargs: Any) -> URL:
        """A copy with components replaced; `hostname`, `port`, `username`, `password` too.

        A replaced path or query can't spill into the next component: their delimiters are
        percent-encoded.
        """
        if {"username", "password", "hostname", "port"} & kwargs.keys():
            hostname = kwargs.pop("hostname", None)
            port = kwargs.pop("port", self.port)
            username = kwargs.pop("username", self.username)
            password = kwargs.pop("password", self.password)
            if hostname is None:
                _, _, hostname = self.netloc.rpartition("@")
                if hostname and hostname[-1] != "]":
                    hostname = hostname.rsplit(":", 1)[0]
            else:
                hostname = _bracket_ipv6(hostname)
            netloc = hostname
            if port is not None:
                netloc += f":{port}"
            if username is not None:
                userpass = username + (f":{password}" if password is not None else "")
                netloc = f"{userpass}@{netloc}"
            kwargs["netloc"] = netloc
        if "query" in kwargs:
            kwargs["query"] = kwargs["query"].replace("#", "%23")
        components = self.components._replace(**kwargs)
        path = _safe_path(components.path, has_netloc=bool(components.netloc))
        return URL(components._replace(path=path).geturl())

    def include_query_params(self, **kwargs: Any) -> URL:
        params = MultiDict(QueryParams(self.query))
        params.update({str(k): str(v) for k, v in kwargs.items()})
        return self.replace(query=urlencode(params.multi_items()))

    def replace_query_params(self, **kwargs: Any) -> URL:
        return self.replace(query=urlencode([(str(k), str(v)) for k, v in kwargs.items()]))

    def remove_query_params(self, keys: str | list[str] | tuple[str, ...]) -> URL:
        drop = {keys} if isinstance(keys, str) else set(keys)
        kept = [(k, v) for k, v in QueryParams(self.query).multi_items() if k not in drop]
        return self.replace(query=urlencode(kept))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._url)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        url = str(self)
        if self.password:
            url = str(self.replace(password="********"))  # noqa: S106 - a mask, not a password
        return f"{type(self).__name__}({url!r})"


class URLPath(str):
    """A path produced by url_path_for; knows whether it is http or websocket and its host."""

    protocol: str
    host: str

    def __new__(cls, path: str, protocol: str = "", host: str = "") -> URLPath:
        if protocol not in ("http", "websocket", ""):
            raise ValueError(f"protocol must be 'http', 'websocket' or '', not {protocol!r}")
        # A path that starts `//` or `/\\` would be read as another host by a browser.
        path = path.replace("\\", "%5C")
        if path.startswith("//"):
            path = "/%2F" + path[2:]
        return str.__new__(cls, path)

    def __init__(self, path: str, protocol: str = "", host: str = "") -> None:
        self.protocol = protocol
        self.host = host

    def make_absolute_url(self, base_url: str | URL) -> URL:
        # str(): another framework's URL object (Starlette's, under a Mount of ours) works too.
        base = base_url if isinstance(base_url, URL) else URL(str(base_url))
        if self.protocol:
            secure = base.scheme in ("https", "wss")
            scheme = {"http": ("http", "https"), "websocket": ("ws", "wss")}[self.protocol][secure]
        else:
            scheme = base.scheme
        netloc = self.host or base.netloc
        path = base.path.rstrip("/") + str(self)
        return URL(scheme=scheme, netloc=netloc, path=path)
