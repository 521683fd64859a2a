"""ProxyHeadersMiddleware: believe X-Forwarded-* and Forwarded, but only from trusted proxies.

Behind a TLS-terminating proxy the app sees plain http from the proxy's address; with this in
front, scheme, client and host are the real ones, so redirects and url_for come out right. From
an untrusted peer the headers are ignored: anyone can send them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from asgi_protocol.hosts import parse_authority
from asgi_protocol.types import ASGIApp, Receive, Scope, Send

_SCHEMES = {"http", "https", "ws", "wss"}


def _forwarded_pairs(value: str) -> dict[str, str]:
    """The FIRST element of an RFC 7239 Forwarded header: the original client's view."""
    first = value.split(",", 1)[0]
    pairs: dict[str, str] = {}
    for item in first.split(";"):
        key, sep, raw = item.partition("=")
        if sep:
            pairs[key.strip().lower()] = raw.strip().strip('"')
    return pairs


def _node_address(node: str) -> str:
    """`1.2.3.4:80` -> `1.2.3.4`; `[2001:db8::1]:80` -> `2001:db8::1`; bare IPv6 as it is."""
    if node.startswith("["):
        return node[1:].split("]", 1)[0]
    return node.rsplit(":", 1)[0] if node.count(":") == 1 else node


class ProxyHeadersMiddleware:
    def __init__(self, app: ASGIApp, trusted_hosts: str | Sequence[str] = ("127.0.0.1",)) -> None:
        self.app = app
        hosts = (
            [h.strip() for h in trusted_hosts.split(",")]
            if isinstance(trusted_hosts, str)
            else list(trusted_hosts)
        )
        self.trust_all = "*" in hosts
        self.networks = [ipaddress.ip_network(h, strict=False) for h in hosts if h != "*"]

    def is_trusted(self, host: str) -> bool:
        if self.trust_all:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self.is_trusted(client[0]):
            self.apply(scope)
        await self.app(scope, receive, send)

    def apply(self, scope: Scope) -> None:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        proto = host = for_ = None
        if "forwarded" in headers:
            pairs = _forwarded_pairs(headers["forwarded"])
            proto, host, for_ = pairs.get("proto"), pairs.get("host"), pairs.get("for")
        else:
            proto = headers.get("x-forwarded-proto", "").split(",")[0].strip() or None
            host = headers.get("x-forwarded-host", "").split(",")[0].strip() or None
            # The nearest untrusted entry of X-Forwarded-For is the real client.
            chain = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
            for candidate in reversed(chain):
                for_ = candidate
                if not self.is_trusted(candidate):
                    break
        if proto is not None and proto.lower() in _SCHEMES:
            proto = proto.lower()
            if scope["type"] == "websocket":
                proto = {"http": "ws", "https": "wss"}.get(proto, proto)
            scope["scheme"] = proto
        if for_ is not None:
            address = _node_address(for_)
            try:
                ipaddress.ip_address(address)
            except ValueError:
                pass  # junk or an obfuscated identifier: keep the peer address
            else:
                scope["client"] = (address, 0)
        # A forwarded host must be one that URLs can be built on (asgi_protocol.hosts).
        if host is not None and parse_authority(host) is not None:
            scope["headers"] = [(k, v) for k, v in scope["headers"] if k != b"host"]
            scope["headers"].append((b"host", host.encode("latin-1")))


__all__ = ["ProxyHeadersMiddleware"]
